// Queues one prediction request for its model and answers it when its batch comes back: shared by
// the TorchServe routes (/predictions) and the KServe / Open Inference Protocol routes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry, ModelEntry } from '../frontend/registry.js';
import type { ItemResult, RequestPart } from '../ipc/messages.js';
import { HttpError, badRequest, readBody, sendError, sendJson, modelNotFound, versionNotFound } from './errors.js';
import { readMultipart } from './multipart.js';
import { BINARY_PART, BINARY_RESULT_TYPE } from '../handlers/protocols.js';

const JSON_HEADERS = { 'content-type': 'application/json' };
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

export function sendStyled(res: ServerResponse, e: unknown, style: ErrorStyle): void {
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

/** Reads the request and queues it for the model; the response is written when its batch returns. */
export async function predict(reg: Registry, opts: InferenceOptions, req: IncomingMessage, res: ServerResponse, name: string, version: string | undefined, t0: number, style: ErrorStyle): Promise<void> {
  const entry: ModelEntry | undefined = reg.find(name, version);
  if (!entry) throw version && reg.find(name) ? versionNotFound(name, version) : modelNotFound(name);
  if (entry.pool.minWorkers === 0 && entry.pool.liveCount() === 0) throw noWorker(name, version);
  const contentType = req.headers['content-type'] ?? '';
  let parts: RequestPart[];
  if (contentType.startsWith('multipart/form-data')) {
    parts = await readMultipart(req, opts.maxRequestSize);
  } else {
    parts = [{ name: 'body', contentType, body: await readBody(req, opts.maxRequestSize) }];
    const headerLength = req.headers['inference-header-content-length'];
    if (headerLength !== undefined) parts = splitBinaryRequest(parts[0]!.body, String(headerLength));
  }
  const accepted = entry.queue.submit({
    item: { parts },
    t0,
    done: (r: ItemResult) => {
      if (style === 'kserve' && r.status >= 400) {
        res.writeHead(r.status, JSON_HEADERS);
        res.end(kserveResult(r));
        return;
      }
      if (r.contentType.startsWith(BINARY_RESULT_TYPE)) {
        res.writeHead(r.status, { 'content-type': 'application/octet-stream', 'inference-header-content-length': r.contentType.slice(BINARY_RESULT_TYPE.length) });
      } else {
        res.writeHead(r.status, headersFor(r.contentType));
      }
      res.end(r.body);
    },
  });
  if (!accepted) {
    const e = noWorker(name, version);
    throw new HttpError(503, e.type, `${e.message} The job queue is full (job_queue_size=${entry.queue.settings.capacity}).`);
  }
}

