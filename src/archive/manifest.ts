// MAR-INF/MANIFEST.json as torch-model-archiver 0.12 writes it: the same keys in the same order,
// the same date format and the same JSON layout (Python's json.dumps(indent=2), ASCII only), so
// TorchServe and tools reading its archives see nothing unusual.
import type { HandlerKind, MarManifest, WriteArchiveOptions } from './types.js';

export const MANIFEST_PATH = 'MAR-INF/MANIFEST.json';

/** The archiver version written to archiverVersion: the torch-model-archiver release whose format this is. */
export const ARCHIVER_VERSION = '0.12.0';

/** torch-model-archiver's model-name rule. */
export const MODEL_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_\-.]*$/;

/** Handlers TorchServe ships (ts/torch_handler/*): named, not copied into the archive. */
export const BUILTIN_HANDLERS: readonly string[] = [
  'base_handler',
  'image_classifier',
  'text_classifier',
  'object_detector',
  'image_segmenter',
  'dali_image_classifier',
];

/**
 * Runtimes. TorchServe's frontend parses `runtime` with Gson into Manifest.RuntimeType (python,
 * python3); an unknown string becomes null and ModelArchive.validate() refuses the archive with
 * "Runtime is not defined or invalid." — so archives with a JavaScript handler carry RUNTIME_JS and
 * TorchServe rejects them at registration instead of trying to import handler.js as Python.
 */
export const RUNTIME_PYTHON = 'python';
export const RUNTIME_JS = 'mlserve-js';
export const WRITABLE_RUNTIMES: readonly string[] = [RUNTIME_PYTHON, 'python3', RUNTIME_JS];
/** Runtimes a reader accepts: TorchServe's, MMS 1.0's python2, and mlserve's. */
export const READABLE_RUNTIMES: readonly string[] = [RUNTIME_PYTHON, 'python2', 'python3', RUNTIME_JS];

const JS_EXT = /\.(?:js|mjs|cjs)$/;

/** The handler's file part: `dir/handler.py:fn` → `dir/handler.py`. */
export function handlerFilePart(handler: string): string {
  const colon = handler.lastIndexOf(':');
  // A Windows drive letter (C:\...) is not a function suffix.
  return colon > 1 ? handler.slice(0, colon) : handler;
}

export function handlerKindOf(handler: string | undefined): HandlerKind {
  if (handler === undefined || BUILTIN_HANDLERS.includes(handler)) return 'builtin';
  return JS_EXT.test(handlerFilePart(handler)) ? 'javascript' : 'python';
}

/** The runtime an archive gets when --runtime is not given. */
export function defaultRuntime(kind: HandlerKind): string {
  return kind === 'javascript' ? RUNTIME_JS : RUNTIME_PYTHON;
}

/** createdOn as torch-model-archiver writes it: datetime.now().strftime("%d/%m/%Y %H:%M:%S"), local time. */
export function formatCreatedOn(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

/** The manifest for the given flags, keys in torch-model-archiver's order (Manifest/Model.__to_dict__). */
export function buildManifest(opts: WriteArchiveOptions, runtime: string): MarManifest {
  // Optional keys appear only when set, in the order the Python dicts insert them.
  const model: Record<string, string> = { modelName: opts.modelName };
  if (opts.serializedFile) model.serializedFile = baseName(opts.serializedFile);
  model.handler = baseName(opts.handler);
  if (opts.modelFile) model.modelFile = baseName(opts.modelFile);
  if (opts.version) model.modelVersion = opts.version;
  if (opts.requirementsFile) model.requirementsFile = baseName(opts.requirementsFile);
  if (opts.configFile) model.configFile = baseName(opts.configFile);
  return {
    createdOn: formatCreatedOn(opts.now ?? new Date()),
    runtime,
    model: model as MarManifest['model'],
    archiverVersion: ARCHIVER_VERSION,
  };
}

/** Python's json.dumps(obj, indent=2): same layout as JSON.stringify, but non-ASCII escaped as \uXXXX. */
export function serializeManifest(m: MarManifest): string {
  return JSON.stringify(m, null, 2).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
