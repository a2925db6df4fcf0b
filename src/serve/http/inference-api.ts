// The inference listener (TorchServe's port 8080): /ping, /predictions/{model}[/{version}],
// /explanations/{model}[/{version}] (the same queue, marked as explanations for the handler),
// OPTIONS / (API description), and the KServe v1 / OIP v2 routes (kserve-api.ts). This is the hot path: routing by string prefix, precomputed
// response bodies and header objects, no per-request parsing beyond the body itself.
import type { Http1Request, Reply } from './http1-server.js';
import type { Registry } from '../frontend/registry.js';
import { INFERENCE_API } from './api-description.js';
import { SHUTTING_DOWN, methodNotAllowed, notFound, sendError, sendJson } from './errors.js';
import { kserveRoutes } from './kserve-api.js';
import { predict, sendStyled, type InferenceOptions } from './predict.js';

const JSON_HEADERS = { 'content-type': 'application/json' };
const HEALTHY = Buffer.from(JSON.stringify({ status: 'Healthy' }, null, 2));
const PREDICTIONS = '/predictions/';
const EXPLANATIONS = '/explanations/';

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

function predictionPath(path: string, prefix = PREDICTIONS.length): { name: string; version?: string } {
  const slash = path.indexOf('/', prefix);
  let name = slash < 0 ? path.slice(prefix) : path.slice(prefix, slash);
  let version = slash < 0 ? undefined : path.slice(slash + 1) || undefined;
  if (name.includes('%')) name = decodeURIComponent(name);
  if (version?.includes('%')) version = decodeURIComponent(version);
  if (!name || version?.includes('/')) throw notFound();
  return { name, version };
}

export function inferenceListener(reg: Registry, opts: InferenceOptions) {
  const protocols = kserveRoutes(reg, opts);
  const clock = reg.settings.time.clock; // the queue's: arrival and batch delay on one clock
  return (req: Http1Request, res: Reply): void => {
    const t0 = clock.now();
    const url = req.url;
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method;
    const explain = !path.startsWith(PREDICTIONS) && path.startsWith(EXPLANATIONS);
    if (explain || path.startsWith(PREDICTIONS)) {
      if (method !== 'POST' && method !== 'PUT') return sendError(res, methodNotAllowed());
      if (reg.closing) return sendError(res, SHUTTING_DOWN);
      let target;
      try {
        target = predictionPath(path, explain ? EXPLANATIONS.length : PREDICTIONS.length);
      } catch (e) {
        return sendStyled(res, e, 'torchserve');
      }
      // service_envelope=kserve: /predictions bodies are KServe v1 requests, as in TorchServe.
      predict(reg, opts, req, res, target.name, target.version, t0, 'torchserve', { explain, ...(opts.serviceEnvelope === 'kserve' ? { envelope: 'kserve' } : {}) });
      return;
    }
    if (path.startsWith('/v1/') || path === '/v2' || path.startsWith('/v2/')) {
      if (reg.closing && method === 'POST') return sendStyled(res, SHUTTING_DOWN, 'kserve');
      return protocols(req, res, path, t0);
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
