// The inference listener (TorchServe's port 8080): /ping, /predictions/{model}[/{version}] and
// OPTIONS / (API description). This is the hot path: routing by string prefix, precomputed
// response bodies and header objects, no per-request parsing beyond the body itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry, ModelEntry } from '../frontend/registry.js';
import type { ItemResult, RequestPart } from '../ipc/messages.js';
import { INFERENCE_API } from './api-description.js';
import { HttpError, badRequest, methodNotAllowed, notFound, readBody, sendError, sendJson, modelNotFound, versionNotFound } from './errors.js';
import { readMultipart } from './multipart.js';

const JSON_HEADERS = { 'content-type': 'application/json' };
const HEALTHY = Buffer.from(JSON.stringify({ status: 'Healthy' }, null, 2));
const PREDICTIONS = '/predictions/';
const SHUTTING_DOWN = new HttpError(503, 'ServiceUnavailableException', 'The server is shutting down.');
const headerCache = new Map<string, Record<string, string>>();

function headersFor(contentType: string): Record<string, string> {
  let h = headerCache.get(contentType);
  if (!h) {
    h = { 'content-type': contentType };
    if (headerCache.size < 64) headerCache.set(contentType, h);
  }
  return h;
}

/** TorchServe's health rule: Healthy unless default versions lack some (Partial) or all (Unhealthy) workers. */
export function health(reg: Registry): string {
  let working = 0;
  let wanted = 0;
  for (const e of reg.defaults()) {
    wanted += e.pool.minWorkers;
    working += Math.min(e.pool.liveCount(), e.pool.minWorkers);
  }
  if (working > 0 && working < wanted) return 'Partial Healthy';
  if (working === 0 && wanted > 0) return 'Unhealthy';
  return 'Healthy';
}

export function noWorker(name: string, version?: string): HttpError {
  const who = version ? `Model "${name}" Version ${version}` : `Model "${name}"`;
  return new HttpError(503, 'ServiceUnavailableException', `${who} has no worker to serve inference request. Please use scale workers API to add workers.`);
}

export interface InferenceOptions {
  maxRequestSize: number;
}

export function inferenceListener(reg: Registry, opts: InferenceOptions) {
  const predict = async (req: IncomingMessage, res: ServerResponse, path: string, t0: number): Promise<void> => {
    const slash = path.indexOf('/', PREDICTIONS.length);
    let name = slash < 0 ? path.slice(PREDICTIONS.length) : path.slice(PREDICTIONS.length, slash);
    let version = slash < 0 ? undefined : path.slice(slash + 1) || undefined;
    if (name.includes('%')) name = decodeURIComponent(name);
    if (version?.includes('%')) version = decodeURIComponent(version);
    if (!name || version?.includes('/')) throw notFound();
    const entry: ModelEntry | undefined = reg.find(name, version);
    if (!entry) throw version && reg.find(name) ? versionNotFound(name, version) : modelNotFound(name);
    if (entry.pool.minWorkers === 0 && entry.pool.liveCount() === 0) throw noWorker(name, version);
    const contentType = req.headers['content-type'] ?? '';
    let parts: RequestPart[];
    if (contentType.startsWith('multipart/form-data')) {
      parts = await readMultipart(req, opts.maxRequestSize);
    } else {
      parts = [{ name: 'body', contentType, body: await readBody(req, opts.maxRequestSize) }];
    }
    const accepted = entry.queue.submit({
      item: { parts },
      t0,
      done: (r: ItemResult) => {
        res.writeHead(r.status, headersFor(r.contentType));
        res.end(r.body);
      },
    });
    if (!accepted) {
      const e = noWorker(name, version);
      throw new HttpError(503, e.type, `${e.message} The job queue is full (job_queue_size=${entry.queue.settings.capacity}).`);
    }
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    const t0 = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method;
    if (path.startsWith(PREDICTIONS)) {
      if (method !== 'POST' && method !== 'PUT') return sendError(res, methodNotAllowed());
      if (reg.closing) return sendError(res, SHUTTING_DOWN);
      predict(req, res, path, t0).catch((e: unknown) => sendError(res, e instanceof URIError ? badRequest('malformed percent-encoding in the path') : e));
      return;
    }
    if (path === '/ping') {
      const status = health(reg);
      if (status === 'Healthy') {
        res.writeHead(200, JSON_HEADERS);
        res.end(HEALTHY);
      } else sendJson(res, 500, { status });
      return;
    }
    if ((path === '/' && method === 'OPTIONS') || path === '/api-description') return sendJson(res, 200, INFERENCE_API);
    sendError(res, notFound());
  };
}
