// The management listener (TorchServe's port 8081): register, scale, describe, list, unregister
// and set-default, with TorchServe's paths, query parameters, status codes and response bodies.
// The operations themselves are in management-ops.ts (callable without HTTP).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MlsError } from '../../errors.js';
import type { Registry } from '../frontend/registry.js';
import { MANAGEMENT_API } from './api-description.js';
import { methodNotAllowed, notFound, readBody, sendError, sendJson } from './errors.js';
import { mergeJsonBody } from './management-params.js';
import { describeModel, listModels, registerModel, scaleWorkers, setDefaultVersion, unregisterModel, type Answer } from './management-ops.js';

export { describe } from './model-description.js';

async function register(reg: Registry, req: IncomingMessage, q: URLSearchParams): Promise<Answer> {
  if ((req.headers['content-type'] ?? '').startsWith('application/json')) {
    // TorchServe also takes the parameters as a JSON body.
    mergeJsonBody(q, JSON.parse((await readBody(req, 1 << 20)).toString('utf8') || '{}') as unknown);
  }
  return registerModel(reg, q);
}

async function route(reg: Registry, req: IncomingMessage): Promise<Answer> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const seg = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const method = req.method ?? 'GET';
  const q = url.searchParams;
  if (seg.length === 0) {
    if (method === 'OPTIONS') return { status: 200, body: MANAGEMENT_API };
    throw methodNotAllowed();
  }
  if (seg[0] === 'api-description' && seg.length === 1) return { status: 200, body: MANAGEMENT_API };
  if (seg[0] !== 'models' || seg.length > 4 || (seg.length === 4 && seg[3] !== 'set-default')) throw notFound();
  if (seg.length === 1) {
    if (method === 'GET') return listModels(reg, q);
    if (method === 'POST') return register(reg, req, q);
    throw methodNotAllowed();
  }
  const name = seg[1]!;
  const version = seg[2];
  if (seg.length === 4) {
    if (method !== 'PUT') throw methodNotAllowed();
    return setDefaultVersion(reg, name, version!);
  }
  switch (method) {
    case 'GET':
      return describeModel(reg, name, version);
    case 'PUT':
      return scaleWorkers(reg, name, version, q);
    case 'DELETE':
      return unregisterModel(reg, name, version);
    case 'OPTIONS':
      reg.get(name, version);
      return { status: 200, body: MANAGEMENT_API };
    default:
      throw methodNotAllowed();
  }
}

export function managementListener(reg: Registry) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    route(reg, req).then(
      (a) => sendJson(res, a.status, a.body),
      (e: unknown) => {
        if (e instanceof SyntaxError) e = new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { invalidJson: { reason: e.message } });
        sendError(res, e);
      },
    );
  };
}
