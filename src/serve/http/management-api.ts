// The management listener (TorchServe's port 8081): register, scale, describe, list, unregister
// and set-default, with TorchServe's paths, query parameters, status codes and response bodies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isMlsError } from '../../errors.js';
import type { ModelEntry, Registry } from '../frontend/registry.js';
import { MANAGEMENT_API } from './api-description.js';
import { deviceFields } from '../processor.js';
import { HttpError, badRequest, methodNotAllowed, notFound, readBody, sendError, sendJson } from './errors.js';

const PROCESSING = 'Processing worker updates...';

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`Parameter ${name} must be an integer, got "${v}".`);
  return Number(v);
}

/** One request must not be able to fork thousands of processes (min_worker=99999999 would). */
const MAX_WORKERS_PER_MODEL = 64;

function workerCount(n: number | undefined, name: string): number | undefined {
  if (n !== undefined && n > MAX_WORKERS_PER_MODEL) throw badRequest(`Parameter ${name} must be at most ${MAX_WORKERS_PER_MODEL}, got ${n}.`);
  return n;
}

function boolParam(q: URLSearchParams, name: string, dflt: boolean): boolean {
  const v = q.get(name);
  return v === null ? dflt : v.toLowerCase() === 'true';
}

/** TorchServe's DescribeModelResponse. */
export function describe(e: ModelEntry): Record<string, unknown> {
  return {
    modelName: e.name,
    modelVersion: e.version,
    modelUrl: e.archive.url,
    runtime: e.archive.manifest.runtime,
    minWorkers: e.pool.minWorkers,
    maxWorkers: e.pool.maxWorkers,
    batchSize: e.batchSize,
    maxBatchDelay: e.maxBatchDelay,
    loadedAtStartup: e.loadedAtStartup,
    responseTimeout: e.responseTimeout,
    ...deviceFields(e.device),
    workers: e.pool.workers.map((w) => ({
      id: w.id,
      startTime: w.startTime.toISOString(),
      status: w.status,
      memoryUsage: w.memoryUsage(),
      pid: w.pid,
      gpu: e.device.type === 'gpu',
      gpuUsage: 'N/A',
    })),
    jobQueueStatus: { remainingCapacity: e.queue.settings.capacity - e.queue.pending, pendingRequests: e.queue.pending },
  };
}

/** Converts the model store's coded errors into TorchServe's exception types. */
function asHttp(e: unknown): unknown {
  if (!isMlsError(e)) return e;
  if (e.code === 'MLS_ERR_SERVE_MODEL_NOT_FOUND') return new HttpError(404, 'ModelNotFoundException', e.message);
  if (e.code === 'MLS_ERR_SERVE_INVALID_ARCHIVE' || e.httpStatus === 400) return new HttpError(400, 'InvalidModelException', e.message);
  return new HttpError(e.httpStatus, 'InternalServerException', e.message);
}

async function register(reg: Registry, req: IncomingMessage, q: URLSearchParams, res: ServerResponse): Promise<void> {
  if ((req.headers['content-type'] ?? '').startsWith('application/json')) {
    // TorchServe also takes the parameters as a JSON body.
    const body = JSON.parse((await readBody(req, 1 << 20)).toString('utf8') || '{}') as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The JSON body must be an object of parameters.');
    for (const [k, v] of Object.entries(body)) {
      if (v !== null && typeof v === 'object') throw badRequest(`Parameter ${k} must be a string, number or boolean.`);
      if (!q.has(k) && v !== null && v !== undefined) q.set(k, String(v));
    }
  }
  if (reg.apiLocked) throw new HttpError(403, 'ModelControlException', reg.apiLocked);
  const url = q.get('url');
  if (!url) throw badRequest('Parameter url is required.');
  const initialWorkers = workerCount(intParam(q, 'initial_workers'), 'initial_workers');
  const synchronous = boolParam(q, 'synchronous', true);
  const entry = await reg.register({
    url,
    modelName: q.get('model_name') || undefined,
    handler: q.get('handler') || undefined,
    batchSize: intParam(q, 'batch_size'),
    maxBatchDelay: intParam(q, 'max_batch_delay'),
    responseTimeout: intParam(q, 'response_timeout'),
    initialWorkers,
    wait: synchronous,
  });
  const n = entry.pool.minWorkers;
  if (entry.pool.kind === 'shared') {
    return sendJson(res, 200, { status: `Model "${entry.name}" Version: ${entry.version} registered; shared workers load it on its first request` });
  }
  if (n <= 0) {
    return sendJson(res, 200, {
      status: `Model "${entry.name}" Version: ${entry.version} registered with 0 initial workers. Use scale workers API to add workers for the model.`,
    });
  }
  if (!synchronous) return sendJson(res, 202, { status: PROCESSING });
  sendJson(res, 200, { status: `Model "${entry.name}" Version: ${entry.version} registered with ${n} initial workers` });
}

async function scale(reg: Registry, name: string, version: string | undefined, q: URLSearchParams, res: ServerResponse): Promise<void> {
  const min = intParam(q, 'min_worker') ?? 1;
  const max = intParam(q, 'max_worker') ?? min;
  if (max < min) throw badRequest('max_worker cannot be less than min_worker.');
  if (min < 0) throw badRequest('min_worker cannot be negative.');
  workerCount(max, 'max_worker');
  const entry = reg.get(name, version ?? (q.get('model_version') || undefined));
  const scaling = entry.pool.scale(min, max);
  reg.onChange();
  if (!boolParam(q, 'synchronous', false)) {
    scaling.catch(() => {}); // failures are logged by the pool and retried with backoff
    return sendJson(res, 202, { status: PROCESSING });
  }
  try {
    await scaling;
  } catch {
    throw new HttpError(500, 'InternalServerException', 'Failed to start workers');
  }
  sendJson(res, 200, { status: `Workers scaled to ${min} for model: ${name}${version ? `, version: ${version}` : ''}` });
}

function list(reg: Registry, q: URLSearchParams, res: ServerResponse): void {
  let limit = intParam(q, 'limit') ?? 100;
  let token = intParam(q, 'next_page_token') ?? 0;
  if (limit > 100 || limit < 0) limit = 100;
  if (token < 0) token = 0;
  const names = reg.names();
  let last = token + limit;
  const out: Record<string, unknown> = {};
  // As TorchServe: a next page token whenever the page ends at or before the last model.
  if (last > names.length) last = names.length;
  else out.nextPageToken = String(last);
  out.models = names.slice(token, last).map((n) => ({ modelName: n, modelUrl: reg.get(n).archive.url }));
  sendJson(res, 200, out);
}

async function route(reg: Registry, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const seg = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const method = req.method ?? 'GET';
  const q = url.searchParams;
  if (seg.length === 0) {
    if (method === 'OPTIONS') return sendJson(res, 200, MANAGEMENT_API);
    throw methodNotAllowed();
  }
  if (seg[0] === 'api-description' && seg.length === 1) return sendJson(res, 200, MANAGEMENT_API);
  if (seg[0] !== 'models' || seg.length > 4 || (seg.length === 4 && seg[3] !== 'set-default')) throw notFound();
  if (seg.length === 1) {
    if (method === 'GET') return list(reg, q, res);
    if (method === 'POST') return register(reg, req, q, res);
    throw methodNotAllowed();
  }
  const name = seg[1]!;
  const version = seg[2];
  if (seg.length === 4) {
    if (method !== 'PUT') throw methodNotAllowed();
    reg.setDefault(name, version!);
    return sendJson(res, 200, { status: `Default vesion succsesfully updated for model "${name}" to "${version}"` });
  }
  switch (method) {
    case 'GET':
      if (version === 'all') return sendJson(res, 200, reg.allVersions(name).map(describe));
      return sendJson(res, 200, [describe(reg.get(name, version))]);
    case 'PUT':
      return scale(reg, name, version, q, res);
    case 'DELETE':
      if (reg.apiLocked) throw new HttpError(403, 'ModelControlException', reg.apiLocked);
      await reg.unregister(name, version);
      return sendJson(res, 200, { status: `Model "${name}" unregistered` });
    case 'OPTIONS':
      reg.get(name, version);
      return sendJson(res, 200, MANAGEMENT_API);
    default:
      throw methodNotAllowed();
  }
}

export function managementListener(reg: Registry) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    route(reg, req, res).catch((e: unknown) => {
      if (e instanceof SyntaxError) e = badRequest(`invalid JSON body: ${e.message}`);
      else if (e instanceof URIError) e = badRequest('malformed percent-encoding in the path');
      sendError(res, asHttp(e));
    });
  };
}
