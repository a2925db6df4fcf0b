// Queues one prediction request for its model and answers it when its batch comes back: shared by
// the TorchServe routes (/predictions) and the KServe / Open Inference Protocol routes.
import type { Http1Request, Reply } from './http1-server.js';
import type { Registry, ModelEntry } from '../frontend/registry.js';
import type { HeaderMap, InferItem, ItemResult, RequestPart } from '../ipc/messages.js';
import { HttpError, badRequest, sendError, sendJson, modelNotFound, versionNotFound } from './errors.js';
import { readMultipart } from './multipart.js';
import { BINARY_PART, BINARY_RESULT_TYPE } from '../handlers/protocols.js';

const JSON_HEADERS = { 'content-type': 'application/json' };
/** Framing headers belong to the transport: a handler's would contradict the ones it writes. */
const TRANSPORT_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'date', 'keep-alive']);

function handlerHeaders(set: Record<string, string>, contentType: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(set)) if (!TRANSPORT_HEADERS.has(k.toLowerCase()) && k.toLowerCase() !== 'content-type') out[k] = String(v);
  out['content-type'] = contentType;
  return out;
}
const headerCache = new Map<string, Record<string, string>>();

function headersFor(contentType: string): Record<string, string> {
  let h = headerCache.get(contentType);
  if (!h) {
    h = { 'content-type': contentType };
    if (headerCache.size < 64) headerCache.set(contentType, h);
  }
  return h;
}

export function noWorker(name: string, version?: string): HttpError {
  const who = version ? `Model "${name}" Version ${version}` : `Model "${name}"`;
  return new HttpError(503, 'ServiceUnavailableException', `${who} has no worker to serve inference request. Please use scale workers API to add workers.`);
}

export interface InferenceOptions {
  maxRequestSize: number;
}

/** How a protocol answers errors: TorchServe's {code, type, message} or KServe's {error}. */
export type ErrorStyle = 'torchserve' | 'kserve';

export function sendStyled(res: Reply, e: unknown, style: ErrorStyle): void {
  const err = e instanceof URIError ? badRequest('malformed percent-encoding in the path') : e;
  if (style === 'torchserve' || res.headersSent) return sendError(res, err);
  sendJson(res, err instanceof HttpError ? err.status : 500, { error: err instanceof Error ? err.message : String(err) });
}

function kserveResult(r: ItemResult): Buffer {
  try {
    return Buffer.from(JSON.stringify({ error: (JSON.parse(r.body.toString('utf8')) as { message?: string }).message }));
  } catch {
    return Buffer.from(JSON.stringify({ error: r.body.toString('utf8') }));
  }
}

/** OIP v2 binary extension: the first `Inference-Header-Content-Length` bytes are the JSON header, the rest tensor bytes. */
function splitBinaryRequest(body: Buffer, headerLength: string): RequestPart[] {
  const n = Number(headerLength);
  if (!/^\d+$/.test(headerLength) || n > body.length) {
    throw badRequest(`Inference-Header-Content-Length ${headerLength} is not a length within the ${body.length}-byte body`);
  }
  return [
    { name: 'body', contentType: 'application/json', body: body.subarray(0, n) },
    { name: BINARY_PART, contentType: 'application/octet-stream', body: body.subarray(n) },
  ];
}

/**
 * Queues the request (its body already read by the transport) for the model; the response is
 * written when its batch returns. Failures are answered here in the protocol's style. Callbacks
 * rather than async/await: this runs once per request, and each await costs a promise and a
 * microtask (bench/serve-overhead.ts).
 */
export function predict(reg: Registry, opts: InferenceOptions, req: Http1Request, res: Reply, name: string, version: string | undefined, t0: number, style: ErrorStyle, explain = false): void {
  const fail = (e: unknown): void => sendStyled(res, e, style);
  const entry: ModelEntry | undefined = reg.find(name, version);
  if (!entry) return fail(version && reg.find(name) ? versionNotFound(name, version) : modelNotFound(name));
  if (entry.pool.minWorkers === 0 && entry.pool.liveCount() === 0) return fail(noWorker(name, version));
  const contentType = req.headers['content-type'] ?? '';
  // Headers travel only to handlers that read them, and with explanations (TorchServe marks those
  // with an `explain: True` request header): the built-ins' hot path carries none.
  const headers: HeaderMap | undefined = explain ? { ...req.headers, explain: 'True' } : entry.passHeaders ? req.headers : undefined;
  if (contentType.startsWith('multipart/form-data')) {
    readMultipart(req.headers, req.body, opts.maxRequestSize).then((parts) => enqueue(entry, parts, headers, res, t0, style)).catch(fail);
    return;
  }
  let parts: RequestPart[] = [{ name: 'body', contentType, body: req.body }];
  const headerLength = req.headers['inference-header-content-length'];
  try {
    if (headerLength !== undefined) parts = splitBinaryRequest(req.body, headerLength);
    enqueue(entry, parts, headers, res, t0, style);
  } catch (err) {
    fail(err);
  }
}

function enqueue(entry: ModelEntry, parts: RequestPart[], headers: HeaderMap | undefined, res: Reply, t0: number, style: ErrorStyle): void {
  const item: InferItem = headers ? { parts, headers } : { parts };
  const accepted = entry.queue.submit({
    item,
    t0,
    done: (r: ItemResult) => {
      if (style === 'kserve' && r.status >= 400) {
        res.writeHead(r.status, JSON_HEADERS);
        res.end(kserveResult(r));
        return;
      }
      if (r.contentType.startsWith(BINARY_RESULT_TYPE)) {
        res.writeHead(r.status, { 'content-type': 'application/octet-stream', 'inference-header-content-length': r.contentType.slice(BINARY_RESULT_TYPE.length) });
      } else if (r.headers) {
        // Headers a handler set (context.set_response_header); its content type wins over theirs.
        res.writeHead(r.status, handlerHeaders(r.headers, r.contentType));
      } else {
        res.writeHead(r.status, headersFor(r.contentType));
      }
      res.end(r.body);
    },
  });
  if (!accepted) {
    const e = noWorker(entry.name, entry.version);
    throw new HttpError(503, e.type, `${e.message} The job queue is full (job_queue_size=${entry.queue.settings.capacity}).`);
  }
}
