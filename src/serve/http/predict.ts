// Queues one prediction request for its model and answers it when its batch comes back: shared by
// the TorchServe routes (/predictions) and the KServe / Open Inference Protocol routes.
import type { Http1Request, Reply } from './http1-server.js';
import type { Registry, ModelEntry } from '../frontend/registry.js';
import type { HeaderMap, InferItem, ItemResult, RequestPart } from '../ipc/messages.js';
import { sendError, modelNotFound, versionNotFound } from './errors.js';
import { MlsError } from '../../errors.js';
import { kserveBody, serverError } from '../../errors/render.js';
import { readMultipart } from './multipart.js';
import { BINARY_PART, BINARY_RESULT_TYPE } from '../handlers/protocols.js';
import { binaryInstances, gather } from './kserve-envelope.js';

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

const ACCEPT_BYTES: HeaderMap = { accept: 'application/octet-stream' };

function acceptsBytes(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('application/octet-stream');
}

function who(name: string, version?: string): string {
  return version ? `Model "${name}" Version ${version}` : `Model "${name}"`;
}

export function noWorker(name: string, version?: string): MlsError {
  return new MlsError('MLS_ERR_SERVE_NO_WORKER', { noWorker: { who: who(name, version) } });
}

export interface InferenceOptions {
  maxRequestSize: number;
  /** TorchServe's service_envelope: how /predictions bodies are read (KServe v1 or v2 envelopes). */
  serviceEnvelope?: 'kserve' | 'kservev2';
}

/** How a protocol answers errors: TorchServe's {code, type, message} or KServe's {error}. */
export type ErrorStyle = 'torchserve' | 'kserve';

export function sendStyled(res: Reply, e: unknown, style: ErrorStyle): void {
  if (style === 'torchserve' || res.headersSent) return sendError(res, e);
  const err = serverError(e);
  res.writeHead(err.httpStatus, JSON_HEADERS);
  res.end(kserveBody(err));
}

/**
 * The message of a failed request's answer: the frontend's own error, else the worker's answer
 * (TorchServe's {code, type, message} body the worker wrote, or its text).
 */
export function resultMessage(r: ItemResult): string {
  if (r.error) return r.error.message;
  try {
    const m = (JSON.parse(r.body.toString('utf8')) as { message?: unknown }).message;
    return typeof m === 'string' ? m : r.body.toString('utf8');
  } catch {
    return r.body.toString('utf8');
  }
}


/** OIP v2 binary extension: the first `Inference-Header-Content-Length` bytes are the JSON header, the rest tensor bytes. */
function splitBinaryRequest(body: Buffer, headerLength: string): RequestPart[] {
  const n = Number(headerLength);
  if (!/^\d+$/.test(headerLength) || n > body.length) {
    throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { binaryHeader: { value: headerLength, bodyBytes: body.length } });
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
/** What a route adds to a prediction: TorchServe's kserve envelope (v1 bodies), or an explanation. */
export interface PredictExtras {
  envelope?: 'kserve';
  explain?: boolean;
}

export function predict(reg: Registry, opts: InferenceOptions, req: Http1Request, res: Reply, name: string, version: string | undefined, t0: number, style: ErrorStyle, extras: PredictExtras = {}): void {
  const fail = (e: unknown): void => sendStyled(res, e, style);
  let entry: ModelEntry;
  try {
    entry = inferenceTarget(reg, name, version);
  } catch (e) {
    return fail(e);
  }
  const contentType = req.headers['content-type'] ?? '';
  // Headers travel only to handlers that read them, and with explanations (TorchServe marks those
  // with an `explain: True` request header): the built-ins' hot path carries none.
  // A client asking for raw tensor bytes says so with Accept: that one header goes along.
  const headers: HeaderMap | undefined = extras.explain ? { ...req.headers, explain: 'True' } : entry.passHeaders ? req.headers : acceptsBytes(req.headers.accept) ? ACCEPT_BYTES : undefined;
  const to: Target = { entry, res, t0, style, versioned: version !== undefined, headers };
  if (contentType.startsWith('multipart/form-data')) {
    readMultipart(req.headers, req.body, opts.maxRequestSize).then((parts) => enqueue(to, parts)).catch(fail);
    return;
  }
  let parts: RequestPart[] = [{ name: 'body', contentType, body: req.body }];
  const headerLength = req.headers['inference-header-content-length'];
  try {
    if (headerLength !== undefined) parts = splitBinaryRequest(req.body, headerLength);
    else if (extras.envelope === 'kserve') {
      const instances = binaryInstances(req.body, entry.handler);
      if (instances) return enqueueInstances(to, instances);
    }
    enqueue(to, parts);
  } catch (err) {
    fail(err);
  }
}

/** Where a request's answer goes. */
interface Target {
  entry: ModelEntry;
  res: Reply;
  t0: number;
  style: ErrorStyle;
  versioned: boolean;
  /** The request's headers, for handlers that read them. */
  headers: HeaderMap | undefined;
}

/**
 * The model version a prediction goes to, or the error every protocol answers (HTTP and gRPC):
 * unknown model or version (404), or no worker to serve it and none coming (503).
 */
export function inferenceTarget(reg: Registry, name: string, version: string | undefined): ModelEntry {
  const entry = reg.find(name, version);
  if (!entry) throw version && reg.find(name) ? versionNotFound(name, version) : modelNotFound(name);
  // TorchServe counts a request once its model is found, before the worker check.
  entry.queue.stats.ts[version ? 1 : 0].requests++;
  if (entry.pool.minWorkers === 0 && entry.pool.liveCount() === 0) throw noWorker(name, version);
  return entry;
}

export interface SubmitOptions {
  /** The server clock's time after which the client no longer waits (a gRPC deadline). */
  expiresAt?: number;
  /** The request named a version (TorchServe labels the others model_version="default"). */
  versioned?: boolean;
  /** Request headers for handlers that read them. */
  headers?: HeaderMap;
}

/** Queues one request's parts on the model's queue and batcher (HTTP and gRPC); a full queue throws 503. */
export function submitParts(entry: ModelEntry, parts: RequestPart[], t0: number, done: (r: ItemResult) => void, opts: SubmitOptions = {}): void {
  const item: InferItem = opts.headers ? { parts, headers: opts.headers } : { parts };
  if (!entry.queue.submit({ item, t0, done, expiresAt: opts.expiresAt, versioned: opts.versioned })) throw queueFull(entry);
}

function queueFull(entry: ModelEntry): MlsError {
  return new MlsError('MLS_ERR_SERVE_NO_WORKER', { queueFull: { who: who(entry.name, entry.version), capacity: entry.queue.settings.capacity } });
}

/** KServe v1 binary instances: one queued request each, answered together (kserve-envelope.ts). */
function enqueueInstances(to: Target, instances: Buffer[]): void {
  const all = gather(instances.length, (r) => answer(to, r));
  instances.forEach((body, k) => {
    const parts = [{ name: 'body', contentType: 'application/octet-stream', body }];
    const item: InferItem = to.headers ? { parts, headers: to.headers } : { parts };
    if (!to.entry.queue.submit({ item, t0: to.t0, versioned: to.versioned, done: all.answer(k) })) {
      all.abort();
      throw queueFull(to.entry);
    }
  });
}

function enqueue(to: Target, parts: RequestPart[]): void {
  submitParts(to.entry, parts, to.t0, (r: ItemResult) => answer(to, r), to);
}

function answer({ res, style }: Target, r: ItemResult): void {
  if (r.error) return sendStyled(res, r.error, style);
  if (style === 'kserve' && r.status >= 400) {
    // A worker's failure answer (TorchServe's body, written in the worker process) in KServe's style.
    res.writeHead(r.status, JSON_HEADERS);
    res.end(JSON.stringify({ error: resultMessage(r) }));
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
}
