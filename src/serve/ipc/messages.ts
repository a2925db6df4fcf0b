// What travels inside frames. One worker process can host several models (keyed by modelKey), so
// every request names its model: the same protocol serves one model per process today and many
// models per process for the density work (issue 4).
import type { MlsError } from '../../errors.js';
import type { MarManifest } from '../../archive/types.js';

export interface LoadRequest {
  modelKey: string; // "<name>/<version>": unique within the server
  modelName: string;
  modelVersion: string;
  modelDir: string; // extracted archive folder
  serializedFile: string; // absolute path of the serialized file ('' when the archive has none)
  handler: string; // base_handler | image_classifier | a .js/.mjs file inside modelDir | a Python handler
  /** Python workers: folders put first on sys.path (the model's own dependencies). */
  pythonPath?: string[];
  /** Python workers: context.system_properties.gpu_id (absent: CPU). */
  gpuId?: number;
  /** Node workers: onnxruntime execution providers of the session (absent: CPU). */
  executionProviders?: Array<{ name: 'cuda' | 'tensorrt'; deviceId: number }>;
  /** Python workers on a gpu or inf server: the device to check at load (torch.cuda, torch-neuron) and whether a CPU fallback is allowed. */
  device?: { type: 'gpu' | 'neuron'; allowCpuFallback: boolean };
  manifest: MarManifest;
  modelConfig: Record<string, unknown>;
  batchSize: number;
  intraOpThreads: number;
}

/** One part of a request: the raw body, or one field of a multipart form. */
export interface RequestPart {
  name: string;
  contentType: string;
  body: Buffer;
}

/** Request headers as they travel to a worker (lower-case names). */
export type HeaderMap = Record<string, string | string[] | undefined>;

/** An inference request as the worker sees it: its parts and the request's own headers. */
export interface InferItem {
  parts: RequestPart[];
  /**
   * The request's headers, set only for models whose handlers read them (Python and custom JS
   * handlers) and for explanations: the built-in handlers' hot path carries none.
   */
  headers?: HeaderMap;
}

/** One batch for one model, as it travels in an infer frame. */
export interface BatchWork {
  modelKey: string;
  items: InferItem[];
}

/**
 * Header of an infer frame: a group of batches (all those dispatched to the worker while it was
 * busy), each [modelKey, per item, per part [name, content type, length]] and, only when some
 * item of the batch has headers, per item its headers (or null); bodies in the payload.
 * One frame, one write and one wake-up of the worker carry the whole group; the worker still runs
 * each batch through its handler on its own (batch_size is kept).
 */
export interface InferHeader {
  b: Array<[string, Array<Array<[string, string, number]>>, Array<HeaderMap | null>?]>;
}

/**
 * Header of a result frame: the batches the worker finished during one turn of its event loop,
 * each [group frame id, batch index in the group, per item [status, content type, length,
 * response headers when the handler set any]]; `m`: metrics handlers recorded meanwhile.
 */
export interface ResultHeader {
  r: Array<[number, number, Array<[number, string, number, Record<string, string>?]>]>;
  m?: HandlerMetric[];
}

/** [modelKey, name, value, unit, kind (counter | gauge), dimensions]: context.metrics of a Python handler. */
export type HandlerMetric = [string, string, number, string, string, Record<string, string>];

export interface ItemResult {
  status: number;
  contentType: string;
  body: Buffer;
  /** Response headers the handler set (TorchServe's context.set_response_header). */
  headers?: Record<string, string>;
  /** A failure the frontend answers itself (queue, worker gone): the HTTP layer renders it, `body` is empty. */
  error?: MlsError;
}

/** The answers to one batch of a group. */
export interface BatchResults {
  group: number;
  index: number;
  results: ItemResult[];
}

/** The payload is the bodies in order, not concatenated: the frame writer decides whether to copy (frames.ts). */
export function encodeInfer(batches: readonly BatchWork[]): { header: InferHeader; payload: Buffer[] } {
  const bufs: Buffer[] = [];
  const header: InferHeader = { b: [] };
  for (const { modelKey, items } of batches) {
    const descs: Array<Array<[string, string, number]>> = [];
    let heads: Array<HeaderMap | null> | undefined;
    for (const it of items) {
      if (it.headers) heads ??= [];
      const desc: Array<[string, string, number]> = [];
      for (const p of it.parts) {
        desc.push([p.name, p.contentType, p.body.length]);
        bufs.push(p.body);
      }
      descs.push(desc);
    }
    if (heads) {
      for (const it of items) heads.push(it.headers ?? null);
      header.b.push([modelKey, descs, heads]);
    } else header.b.push([modelKey, descs]);
  }
  return { header, payload: bufs };
}

export function decodeInfer(header: InferHeader, payload: Buffer): BatchWork[] {
  let off = 0;
  return header.b.map(([modelKey, descs, heads]) => ({
    modelKey,
    items: descs.map((desc, k) => {
      const item: InferItem = {
        parts: desc.map(([name, contentType, len]) => {
          const body = payload.subarray(off, off + len);
          off += len;
          return { name, contentType, body };
        }),
      };
      const h = heads?.[k];
      if (h) item.headers = h;
      return item;
    }),
  }));
}

export function encodeResults(done: readonly BatchResults[]): { header: ResultHeader; payload: Buffer[] } {
  const bufs: Buffer[] = [];
  const header: ResultHeader = { r: [] };
  for (const { group, index, results } of done) {
    header.r.push([group, index, results.map((r) => (r.headers ? [r.status, r.contentType, r.body.length, r.headers] : [r.status, r.contentType, r.body.length]))]);
    for (const r of results) bufs.push(r.body);
  }
  return { header, payload: bufs };
}

export function decodeResults(header: ResultHeader, payload: Buffer): BatchResults[] {
  let off = 0;
  return header.r.map(([group, index, descs]) => ({
    group,
    index,
    results: descs.map(([status, contentType, len, headers]) => {
      const body = payload.subarray(off, off + len);
      off += len;
      return headers ? { status, contentType, body, headers } : { status, contentType, body };
    }),
  }));
}
