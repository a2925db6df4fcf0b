// `mlserve archive`: torch-model-archiver 0.12's checks in its order (model name, export path,
// existing output, then the input files), then one of the four formats, written atomically.
import { access, constants, mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MlsError, type ErrorArgs } from '../errors.js';
import { collectInputs } from './inputs.js';
import {
  BUILTIN_HANDLERS,
  MODEL_NAME_RE,
  RUNTIME_JS,
  WRITABLE_RUNTIMES,
  buildManifest,
  defaultRuntime,
  handlerKindOf,
  serializeManifest,
} from './manifest.js';
import { ARCHIVE_FORMATS, type ArchiveFormat, type ArchiveProgress, type WriteArchiveOptions, type WriteArchiveResult } from './types.js';
import { writeWithArchiver } from './write-archiver.js';
import { writeFolder } from './write-folder.js';
import { writeZipStore } from './write-zip-store.js';
import { serveRefusal } from './serve-support.js';

/** torch-model-archiver's file extension per format. */
export const FORMAT_EXTENSIONS: Record<ArchiveFormat, string> = {
  default: '.mar',
  'zip-store': '.mar',
  tgz: '.tar.gz',
  'no-archive': '',
};

export function archiveOutputPath(exportPath: string, modelName: string, format: ArchiveFormat): string {
  return join(exportPath, `${modelName}${FORMAT_EXTENSIONS[format]}`);
}

export function checkModelName(name: string): void {
  if (!MODEL_NAME_RE.test(name)) {
    throw new MlsError('MLS_ERR_ARCHIVE_BAD_NAME', { name }, {
      details: { modelName: name },
    });
  }
}

export function parseArchiveFormat(v: string): ArchiveFormat {
  if (!(ARCHIVE_FORMATS as readonly string[]).includes(v)) {
    throw new MlsError('MLS_ERR_ARCHIVE_FORMAT_UNKNOWN', { v, formats: ARCHIVE_FORMATS.join(', ') }, {
      details: { archiveFormat: v },
    });
  }
  return v as ArchiveFormat;
}

/** The runtime to write, refusing combinations TorchServe or mlserve would misread. */
function resolveRuntime(opts: WriteArchiveOptions): string {
  const kind = handlerKindOf(opts.handler);
  const runtime = opts.runtime ?? defaultRuntime(kind);
  if (!WRITABLE_RUNTIMES.includes(runtime)) {
    throw new MlsError('MLS_ERR_ARCHIVE_RUNTIME', { unknown: { runtime, runtimes: WRITABLE_RUNTIMES.join(', ') } });
  }
  if ((kind === 'javascript') !== (runtime === RUNTIME_JS)) {
    throw new MlsError(
      'MLS_ERR_ARCHIVE_RUNTIME',
      kind === 'javascript'
        ? { jsNeedsJsRuntime: { handler: opts.handler, runtime: RUNTIME_JS } }
        : { jsRuntimeForJsOnly: { handler: opts.handler, kind: kind === 'builtin' ? 'a TorchServe built-in' : 'Python', runtime: RUNTIME_JS } },
      { details: { handler: opts.handler, runtime } },
    );
  }
  if (kind === 'builtin' && opts.modelFile && /\.onnx$/i.test(opts.serializedFile ?? '')) {
    // BaseHandler.initialize takes the eager-mode path (torch.load) whenever modelFile is set.
    throw new MlsError('MLS_ERR_ARCHIVE_INCOMPATIBLE', { handler: opts.handler, serializedFile: String(opts.serializedFile) });
  }
  return runtime;
}

async function prepareExportPath(exportPath: string): Promise<void> {
  const fail = (wording: ErrorArgs<'MLS_ERR_ARCHIVE_EXPORT_PATH'>, cause?: unknown) => new MlsError('MLS_ERR_ARCHIVE_EXPORT_PATH', wording, { cause, details: { exportPath } });
  try {
    await mkdir(exportPath, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw fail(code === 'EEXIST' || code === 'ENOTDIR' ? { notFolder: { exportPath } } : { cannotCreate: { exportPath, code: code ?? String(e) } }, e);
  }
  const st = await stat(exportPath);
  if (!st.isDirectory()) throw fail({ notFolder: { exportPath } });
  try {
    await access(exportPath, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw fail({ notWritable: { exportPath } }, e);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function writeArchive(opts: WriteArchiveOptions, onProgress?: (p: ArchiveProgress) => void): Promise<WriteArchiveResult> {
  checkModelName(opts.modelName);
  const format = parseArchiveFormat(opts.archiveFormat);
  if (!opts.version) throw new MlsError('MLS_ERR_USAGE', { versionRequired: {} });
  if (!opts.handler) throw new MlsError('MLS_ERR_USAGE', { handlerRequired: { builtins: BUILTIN_HANDLERS.join(', ') } });
  const runtime = resolveRuntime(opts);
  await prepareExportPath(opts.exportPath);
  const target = archiveOutputPath(opts.exportPath, opts.modelName, format);
  if (await exists(target)) {
    if (!opts.force) {
      throw new MlsError('MLS_ERR_OUTPUT_EXISTS', { alreadyExists: { target } }, { details: { path: target } });
    }
    if (format !== 'no-archive' && (await stat(target)).isDirectory()) {
      throw new MlsError('MLS_ERR_ARCHIVE_EXPORT_PATH', { targetIsFolder: { target } }, { details: { path: target } });
    }
  }
  const files = await collectInputs(opts, new Set([resolve(target)]));
  const now = opts.now ?? new Date();
  const manifest = buildManifest({ ...opts, now }, runtime);
  const manifestText = serializeManifest(manifest);
  let bytes: number;
  if (format === 'no-archive') bytes = await writeFolder(target, files, manifestText, opts.force, onProgress);
  else if (format === 'zip-store') bytes = await writeZipStore(target, files, manifestText, now, onProgress);
  else {
    const kind = format === 'tgz' ? 'tgz' : 'zip';
    const prefix = format === 'tgz' ? `${opts.modelName}/` : '';
    bytes = await writeWithArchiver({ target, kind, files, manifestText, prefix, now, onProgress });
  }
  const refusal = serveRefusal(opts.handler, opts.serializedFile);
  return { path: target, format, manifest, bytes, files: files.map((f) => f.name), warnings: refusal ? [refusal] : [] };
}
