// KServe v1 and Open Inference Protocol v2 routes on the inference port. Predictions go through the
// same queue, batcher and handler as /predictions (base_handler reads both body formats); errors
// are answered as {"error": "..."}.
//   v1: GET /v1/models, GET /v1/models/{m}, POST /v1/models/{m}:predict
//   v2: GET /v2, /v2/health/live, /v2/health/ready, GET /v2/models/{m}[/versions/{v}][/ready],
//       POST /v2/models/{m}[/versions/{v}]/infer
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelEntry, Registry } from '../frontend/registry.js';
import { v2Datatype } from '../handlers/protocols.js';
import { HttpError, methodNotAllowed, notFound, sendJson } from './errors.js';
import { predict, sendStyled, type InferenceOptions } from './predict.js';

const V2_MODEL = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;
const V1_MODEL = /^\/v1\/models\/([^/:]+)(:predict)?$/;

function ready(e: ModelEntry): boolean {
  return e.pool.liveCount() > 0;
}

function lookup(reg: Registry, name: string, version?: string): ModelEntry {
  const e = reg.find(name, version);
  if (!e) throw new HttpError(404, 'ModelNotFoundException', version ? `model ${name} version ${version} not found` : `model ${name} not found`);
  return e;
}

function metadata(e: ModelEntry, reg: Registry): Record<string, unknown> {
  const tensors = (list: Array<{ name: string; type: string; shape: number[] }> | undefined) =>
    (list ?? []).map((t) => ({ name: t.name, datatype: v2Datatype(t.type), shape: t.shape }));
  return {
    name: e.name,
    versions: reg.allVersions(e.name).map((v) => v.version),
    platform: 'onnxruntime_onnx',
    inputs: tensors(e.pool.io?.inputs),
    outputs: tensors(e.pool.io?.outputs),
  };
}

export function kserveRoutes(reg: Registry, opts: InferenceOptions) {
  const route = (req: IncomingMessage, res: ServerResponse, path: string, t0: number): void => {
    const get = req.method === 'GET';
    if (path === '/v2' && get) return sendJson(res, 200, { name: 'mlserve', version: '1', extensions: [] });
    if (path === '/v2/health/live' && get) return sendJson(res, 200, { live: true });
    if (path === '/v2/health/ready' && get) return sendJson(res, 200, { ready: reg.defaults().every(ready) });
    if (path === '/v1/models' && get) return sendJson(res, 200, { models: reg.names() });
    const v2 = V2_MODEL.exec(path);
    const v1 = v2 ? null : V1_MODEL.exec(path);
    if (!v2 && !v1) throw notFound();
    const name = decodeURIComponent((v2 ?? v1)![1]!);
    const version = v2?.[2] ? decodeURIComponent(v2[2]) : undefined;
    const action = v2 ? v2[3] : v1![2];
    if (action === '/infer' || action === ':predict') {
      if (req.method !== 'POST') throw methodNotAllowed();
      predict(reg, opts, req, res, name, version, t0, 'kserve').catch((e: unknown) => sendStyled(res, e, 'kserve'));
      return;
    }
    if (!get) throw methodNotAllowed();
    const e = lookup(reg, name, version);
    if (action === '/ready' || v1) return sendJson(res, 200, { name: e.name, ready: ready(e) });
    sendJson(res, 200, metadata(e, reg));
  };
  return (req: IncomingMessage, res: ServerResponse, path: string, t0: number): void => {
    try {
      route(req, res, path, t0);
    } catch (e) {
      sendStyled(res, e, 'kserve');
    }
  };
}
