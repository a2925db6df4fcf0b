// Reads MAR-INF/MANIFEST.json written by torch-model-archiver (createdOn, runtime, model,
// archiverVersion) or by MMS 1.0's model-archiver (runtime, model, modelServerVersion,
// implementationVersion, specificationVersion, engine, ...), applies TorchServe's defaults
// (runtime python, modelVersion 1.0) and checks what TorchServe's ModelArchive.validate() checks,
// plus that every file the manifest names is a plain path inside the archive.
import { MlsError } from '../errors.js';
import { MANIFEST_PATH, READABLE_RUNTIMES, RUNTIME_JS, handlerFilePart, handlerKindOf } from './manifest.js';
import { isSafeRelativeName } from './safe-path.js';
import type { ManifestStyle, MarManifest } from './types.js';

const MMS_KEYS = ['specificationVersion', 'implementationVersion', 'modelServerVersion', 'engine', 'publisher', 'license'];
/** Manifest fields naming files inside the archive. */
export const FILE_FIELDS = ['serializedFile', 'modelFile', 'requirementsFile', 'configFile'] as const;

export interface ParsedManifest {
  manifest: MarManifest;
  style: ManifestStyle;
}

function bad(archive: string, field: string, message: string): MlsError {
  return new MlsError('MLS_ERR_ARCHIVE_BAD_MANIFEST', { field: { archive, manifest: MANIFEST_PATH, field, message } }, {
    details: { archive, field },
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string field, or a number Gson would read into a String field; undefined when absent. */
function optionalString(obj: Record<string, unknown>, key: string, archive: string, path: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw bad(archive, path, `must be a string, got ${JSON.stringify(v)}`);
  return v;
}

export function parseManifest(text: string, archive: string): ParsedManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw bad(archive, '(document)', `not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(raw)) throw bad(archive, '(document)', 'must be a JSON object');
  const rawModel = raw.model;
  if (!isObject(rawModel)) throw bad(archive, 'model', 'missing; TorchServe refuses archives without a model entry');

  const modelName = optionalString(rawModel, 'modelName', archive, 'model.modelName');
  if (!modelName) throw bad(archive, 'model.modelName', 'missing or empty');
  // TorchServe sets modelVersion 1.0 and runtime python when the manifest has none (MMS 1.0 has no modelVersion).
  const modelVersion = optionalString(rawModel, 'modelVersion', archive, 'model.modelVersion') ?? '1.0';
  const runtime = optionalString(raw, 'runtime', archive, 'runtime') ?? 'python';
  if (!READABLE_RUNTIMES.includes(runtime)) {
    throw bad(archive, 'runtime', `"${runtime}" is not one of ${READABLE_RUNTIMES.join(', ')}`);
  }
  const handler = optionalString(rawModel, 'handler', archive, 'model.handler');
  const kind = handlerKindOf(handler);
  if (runtime === RUNTIME_JS && kind !== 'javascript') {
    throw bad(archive, 'model.handler', `runtime ${RUNTIME_JS} needs a JavaScript handler file (.js, .mjs, .cjs), got ${JSON.stringify(handler ?? null)}`);
  }
  if (kind === 'javascript' && runtime !== RUNTIME_JS) {
    throw bad(archive, 'runtime', `a JavaScript handler needs runtime ${RUNTIME_JS}, got "${runtime}"`);
  }
  if (handler !== undefined && kind !== 'builtin' && !isSafeRelativeName(handlerFilePart(handler))) {
    throw bad(archive, 'model.handler', `"${handler}" is not a plain file name inside the archive`);
  }

  const files: Record<string, string> = {};
  for (const field of FILE_FIELDS) {
    const v = optionalString(rawModel, field, archive, `model.${field}`);
    if (v === undefined) continue;
    if (!isSafeRelativeName(v)) throw bad(archive, `model.${field}`, `"${v}" is not a plain file name inside the archive`);
    files[field] = v;
  }
  // TorchServe's key order, then whatever else the writer put in (MMS: description, batch_size, ...).
  const orderedModel: Record<string, unknown> = { modelName };
  if (files.serializedFile) orderedModel.serializedFile = files.serializedFile;
  if (handler !== undefined) orderedModel.handler = handler;
  if (files.modelFile) orderedModel.modelFile = files.modelFile;
  orderedModel.modelVersion = modelVersion;
  if (files.requirementsFile) orderedModel.requirementsFile = files.requirementsFile;
  if (files.configFile) orderedModel.configFile = files.configFile;
  for (const [k, v] of Object.entries(rawModel)) if (!(k in orderedModel)) orderedModel[k] = v;

  const manifest: MarManifest = {
    createdOn: optionalString(raw, 'createdOn', archive, 'createdOn') ?? '',
    runtime,
    model: orderedModel as MarManifest['model'],
    archiverVersion: optionalString(raw, 'archiverVersion', archive, 'archiverVersion') ?? '',
  };
  for (const [k, v] of Object.entries(raw)) if (!(k in manifest)) manifest[k] = v;
  const style: ManifestStyle = !('createdOn' in raw) && !('archiverVersion' in raw) && MMS_KEYS.some((k) => k in raw) ? 'mms' : 'torchserve';
  return { manifest, style };
}

/** Every file the manifest names must be in the archive (paths relative to the archive root). */
export function checkManifestFiles(manifest: MarManifest, files: ReadonlySet<string>, archive: string): void {
  const named: Array<[string, string]> = [];
  for (const field of FILE_FIELDS) {
    const v = manifest.model[field];
    if (typeof v === 'string') named.push([`model.${field}`, v]);
  }
  const handler = manifest.model.handler;
  // A Python handler may be a module of TorchServe's (ts.torch_handler...) or of a pip package, so only JavaScript ones are checked.
  if (handler && handlerKindOf(handler) === 'javascript') named.push(['model.handler', handlerFilePart(handler)]);
  for (const [field, name] of named) {
    const normalized = name.replace(/\\/g, '/').replace(/^\.\//, '');
    if (!files.has(normalized)) {
      throw new MlsError('MLS_ERR_ARCHIVE_MISSING_ENTRY', { archive, field, name }, {
        details: { archive, field, file: name },
      });
    }
  }
}
