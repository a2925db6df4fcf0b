// KServe v1 and Open Inference Protocol v2 routes on the inference port. Predictions go through the
// same queue, batcher and handler as /predictions (base_handler reads both body formats); errors
// are answered as {"error": "..."}.
//   v1: GET /v1/models, GET /v1/models/{m}, POST /v1/models/{m}:predict
//   v2: GET /v2, /v2/health/live, /v2/health/ready, GET /v2/models/{m}[/versions/{v}][/ready],
//       GET /v2/models/{m}[/versions/{v}]/config (Triton's model configuration),
//       POST /v2/models/{m}[/versions/{v}]/infer (JSON, or the binary tensor data extension)
//   explanations: POST /v1/models/{m}:explain, POST /v2/models/{m}[/versions/{v}]/explain
import type { Http1Request, Reply } from './http1-server.js';
import type { ModelEntry, Registry } from '../frontend/registry.js';
import { v2Datatype } from '../handlers/protocols.js';
import { MlsError } from '../../errors.js';
import { methodNotAllowed, notFound, sendJson } from './errors.js';
import { predict, sendStyled, type InferenceOptions } from './predict.js';
import { deviceParameters } from '../processor.js';

const V2_MODEL = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer|\/config|\/explain)?$/;
const V1_MODEL = /^\/v1\/models\/([^/:]+)(:predict|:explain)?$/;

export function ready(e: ModelEntry): boolean {
  return e.pool.liveCount() > 0;
}

export function lookup(reg: Registry, name: string, version?: string): ModelEntry {
  const e = reg.find(name, version);
  if (!e) throw new MlsError('MLS_ERR_SERVE_NO_SUCH_MODEL', { kserve: { model: name, ...(version ? { version } : {}) } });
  return e;
}

type Io = Array<{ name: string; type: string; shape: number[] }> | undefined;

/** The model's inputs and outputs; a shared model not loaded yet is loaded for them. */
async function io(e: ModelEntry): Promise<{ inputs: Io; outputs: Io }> {
  if (!e.pool.io) await e.pool.ensureLoaded?.();
  return { inputs: e.pool.io?.inputs, outputs: e.pool.io?.outputs };
}

/** Triton's platform names: ONNX models on onnxruntime, Python handlers (torch, torch-neuron) as its python backend. */
function platformOf(e: ModelEntry): string {
  return e.archive.workerKind === 'python' ? 'python' : 'onnxruntime_onnx';
}

export async function metadata(e: ModelEntry, reg: Registry): Promise<Record<string, unknown>> {
  const tensors = (list: Io) => (list ?? []).map((t) => ({ name: t.name, datatype: v2Datatype(t.type), shape: t.shape }));
  const { inputs, outputs } = await io(e);
  return {
    name: e.name,
    versions: reg.allVersions(e.name).map((v) => v.version),
    platform: platformOf(e),
    inputs: tensors(inputs),
    outputs: tensors(outputs),
    parameters: deviceParameters(e.device, reg.processor.requested),
  };
}

/**
 * Triton's model configuration (what perf_analyzer reads). Models whose inputs all start with a
 * dynamic dimension batch: max_batch_size is the server's batch_size for them (at least 1) and
 * dims leave the batch dimension out, as in Triton; other models report 0 and their full shapes.
 */
export async function config(e: ModelEntry): Promise<Record<string, unknown>> {
  const { inputs, outputs } = await io(e);
  const batching = (inputs ?? []).length > 0 && (inputs ?? []).every((t) => t.shape[0] === -1);
  const tensors = (list: Io) =>
    (list ?? []).map((t) => ({ name: t.name, data_type: `TYPE_${v2Datatype(t.type) === 'BYTES' ? 'STRING' : v2Datatype(t.type)}`, dims: batching ? t.shape.slice(1) : t.shape }));
  return {
    name: e.name,
    platform: 'onnxruntime_onnx',
    backend: 'onnxruntime',
    version_policy: { specific: { versions: [e.version] } },
    max_batch_size: batching ? Math.max(1, e.batchSize) : 0,
    input: tensors(inputs),
    output: tensors(outputs),
    ...(batching && e.batchSize > 1 ? { dynamic_batching: { preferred_batch_size: [e.batchSize], max_queue_delay_microseconds: e.maxBatchDelay * 1000 } } : {}),
    instance_group: [{ name: e.name, kind: e.device.type === 'gpu' ? 'KIND_GPU' : 'KIND_CPU', count: Math.max(1, e.pool.minWorkers), ...(e.device.type === 'gpu' ? { gpus: e.device.ids } : {}) }],
  };
}

/** The server metadata of the Open Inference Protocol (HTTP `GET /v2` and gRPC ServerMetadata). */
export const SERVER_METADATA = { name: 'mlserve', version: '1', extensions: ['binary_tensor_data', 'model_configuration'] };

export function kserveRoutes(reg: Registry, opts: InferenceOptions) {
  const route = (req: Http1Request, res: Reply, path: string, t0: number): void => {
    const get = req.method === 'GET';
    if (path === '/v2' && get) return sendJson(res, 200, SERVER_METADATA);
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
      // v1 carries TorchServe's kserve envelope (binary instances decoded here, kserve-envelope.ts).
      predict(reg, opts, req, res, name, version, t0, 'kserve', v1 ? { envelope: 'kserve' } : {});
      return;
    }
    if (action === '/explain' || action === ':explain') {
      if (req.method !== 'POST') throw methodNotAllowed();
      predict(reg, opts, req, res, name, version, t0, 'kserve', { explain: true });
      return;
    }
    if (!get) throw methodNotAllowed();
    const e = lookup(reg, name, version);
    if (action === '/ready' || v1) return sendJson(res, 200, { name: e.name, ready: ready(e) });
    (action === '/config' ? config(e) : metadata(e, reg)).then(
      (body) => sendJson(res, 200, body),
      (err: unknown) => sendStyled(res, err, 'kserve'),
    );
  };
  return (req: Http1Request, res: Reply, path: string, t0: number): void => {
    try {
      route(req, res, path, t0);
    } catch (e) {
      sendStyled(res, e, 'kserve');
    }
  };
}
