// Opens a model archive from the model store for serving: resolves the store-relative file name
// safely, extracts it (zip .mar, tgz or an unpacked folder) and reads its manifest and
// model-config.yaml into what the registry needs.
import { stat, readFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, join, resolve, sep } from 'node:path';
import yaml from 'js-yaml';
import { MlsError, toMlsError } from '../errors.js';
import type { MarManifest } from '../archive/types.js';
import { extractArchive } from '../archive/reader.js';
import { workerKindFor, type WorkerKind } from './frontend/worker-kind.js';

export interface OpenedArchive {
  url: string; // file name in the model store, as TorchServe reports modelUrl
  dir: string;
  /** Folder to delete when the model is unregistered (undefined for folder archives used in place). */
  tempDir?: string;
  manifest: MarManifest;
  /** Absolute path of the serialized file ('' when the archive has none: Python handlers may load their own). */
  serializedFile: string;
  modelConfig: Record<string, unknown>;
  /** The handler that runs the model (the registration's, else the manifest's, else base_handler). */
  handler: string;
  /** Node workers for ONNX models and JS handlers; Python workers for TorchServe's Python handlers. */
  workerKind: WorkerKind;
}

/** Resolves `url` inside the store; TorchServe only loads archives directly in model_store. */
export function storePath(modelStore: string, url: string): string {
  if (/^[a-z]+:\/\//i.test(url)) {
    throw new MlsError('MLS_ERR_SERVE_INVALID_ARCHIVE', { urlNotStore: { url } });
  }
  const root = resolve(modelStore);
  const p = resolve(root, url);
  if (basename(url) !== url || !p.startsWith(root + sep)) {
    throw new MlsError('MLS_ERR_SERVE_MODEL_NOT_FOUND', { outsideStore: { url } });
  }
  return p;
}

export async function openArchive(modelStore: string, url: string, workDir: string, handlerOverride?: string): Promise<OpenedArchive> {
  const path = storePath(modelStore, url);
  try {
    await stat(path);
  } catch {
    throw new MlsError('MLS_ERR_SERVE_MODEL_NOT_FOUND', { notInStore: { url } });
  }
  const tempDir = join(workDir, `${url.replace(/[^A-Za-z0-9_.-]/g, '_')}-${randomBytes(4).toString('hex')}`);
  try {
    // A folder archive is served in place; zip and tgz archives are extracted (path-safe, capped).
    const ex = await extractArchive(path, tempDir);
    const serializedFile = ex.serializedFilePath ?? '';
    const handler = handlerOverride ?? ex.manifest.model.handler ?? 'base_handler';
    const workerKind = workerKindFor(handler, serializedFile);
    // Python handlers take .pt/.pth/.onnx or no file at all; the Node worker runs ONNX only.
    if (workerKind === 'node' && !serializedFile.endsWith('.onnx')) {
      throw new MlsError('MLS_ERR_SERVE_INVALID_ARCHIVE', { notOnnx: { url, handler, serializedFile: ex.manifest.model.serializedFile ?? 'none' } });
    }
    return {
      url,
      dir: ex.dir,
      tempDir: ex.inPlace ? undefined : tempDir,
      manifest: ex.manifest,
      serializedFile,
      handler,
      workerKind,
      modelConfig: ex.modelConfig ?? (await readModelConfig(ex.dir, ex.manifest)),
    };
  } catch (e) {
    await rm(tempDir, { recursive: true, force: true });
    const err = toMlsError(e);
    if (err.code.startsWith('MLS_ERR_SERVE_')) throw err;
    // Whatever the reader found wrong (zip, manifest, paths, limits), for the API it is an invalid archive.
    throw new MlsError('MLS_ERR_SERVE_INVALID_ARCHIVE', { unreadable: { url, reason: err.message } }, { cause: e, details: { readerCode: err.code } });
  }
}

async function readModelConfig(dir: string, manifest: MarManifest): Promise<Record<string, unknown>> {
  const file = manifest.model.configFile;
  if (!file) return {};
  const doc = yaml.load(await readFile(join(dir, file), 'utf8'));
  return doc && typeof doc === 'object' ? (doc as Record<string, unknown>) : {};
}
