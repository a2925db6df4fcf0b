// The models one worker process hosts. Keyed by modelKey so that one process can hold the ONNX
// Runtime sessions of many models (the density work needs it); today the frontend loads one
// model per worker process, as TorchServe does.
import { MlsError } from '../../errors.js';
import type { HandlerContext, HandlerRequest, ModelHandler, StatusError } from '../handlers/types.js';
import type { InferItem, ItemResult, LoadRequest } from '../ipc/messages.js';
import { describeValues } from '../handlers/session.js';
import { loadHandler } from '../handlers/load-handler.js';
import { BINARY_RESULT_TYPE, isBinaryBody } from '../handlers/protocols.js';
import { JsonText, TensorBytes } from '../handlers/tensor-json.js';

interface Hosted {
  ctx: HandlerContext;
  handler: ModelHandler;
}

const JSON_TYPE = 'application/json';

export function errorResult(status: number, type: string, message: string): ItemResult {
  return { status, contentType: JSON_TYPE, body: Buffer.from(JSON.stringify({ code: status, type, message })) };
}

function failure(e: unknown): ItemResult {
  // mlserve's own handlers throw catalog errors (MLS_ERR_SERVE_BAD_INPUT); a custom handler may set `status`.
  if (e instanceof MlsError) return errorResult(e.httpStatus, e.type, e.message);
  const err = e as StatusError;
  const status = Number(err?.status ?? err?.statusCode ?? 503);
  const message = err instanceof Error ? err.message : String(e);
  if (status === 400) return failure(new MlsError('MLS_ERR_SERVE_BAD_INPUT', { tensor: { reason: message } }));
  const failed = new MlsError('MLS_ERR_SERVE_PREDICTION_FAILED', { reason: message });
  return errorResult(status >= 400 && status < 600 ? status : failed.httpStatus, failed.type, failed.message);
}

function toResult(out: unknown): ItemResult {
  if (out instanceof Error) return failure(out);
  if (out instanceof JsonText) return { status: 200, contentType: JSON_TYPE, body: Buffer.from(out.text) };
  if (out instanceof TensorBytes) return { status: 200, contentType: 'application/octet-stream', body: out.body, headers: out.headers };
  if (isBinaryBody(out)) return { status: 200, contentType: `${BINARY_RESULT_TYPE}${out.json.length}`, body: Buffer.concat([out.json, ...out.binary]) };
  if (Buffer.isBuffer(out)) return { status: 200, contentType: 'application/octet-stream', body: out };
  if (out instanceof Uint8Array) return { status: 200, contentType: 'application/octet-stream', body: Buffer.from(out.buffer, out.byteOffset, out.byteLength) };
  if (typeof out === 'string') return { status: 200, contentType: 'text/plain; charset=utf-8', body: Buffer.from(out) };
  return { status: 200, contentType: JSON_TYPE, body: Buffer.from(JSON.stringify(out ?? null)) };
}

function toRequest(item: InferItem): HandlerRequest {
  const main = item.parts.find((p) => p.name === 'data') ?? item.parts.find((p) => p.name === 'body') ?? item.parts[0];
  const req: HandlerRequest = { body: main?.body ?? Buffer.alloc(0), contentType: main?.contentType ?? '', parts: item.parts };
  if (item.headers) req.headers = item.headers;
  return req;
}

/**
 * An explanation request (the frontend marks it with TorchServe's `explain: True` header; as
 * TorchServe's BaseHandler, the batch's first request decides).
 */
function isExplain(items: InferItem[]): boolean {
  return items[0]?.headers?.explain === 'True';
}

/** What TorchServe answers when the handler cannot explain: its BaseHandler fails the batch (503). */
const NO_EXPLAIN = 'Prediction failed: this model\'s handler does not implement explanations (a JavaScript handler exports explain(requests, context))';

export class ModelHost {
  private readonly models = new Map<string, Hosted>();

  async load(req: LoadRequest): Promise<{ inputs: HandlerContext['inputs']; outputs: HandlerContext['outputs'] }> {
    const { default: ort } = await import('../../onnxruntime.js');
    const session = await ort.InferenceSession.create(req.serializedFile, {
      intraOpNumThreads: req.intraOpThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // The GPU the frontend placed this worker on (gpu servers; processor.ts); absent: the CPU.
      executionProviders: req.executionProviders ?? ['cpu'],
    });
    const ctx: HandlerContext = {
      modelName: req.modelName,
      modelVersion: req.modelVersion,
      modelDir: req.modelDir,
      manifest: req.manifest,
      modelConfig: req.modelConfig,
      batchSize: req.batchSize,
      session,
      ort,
      inputs: describeValues(session.inputMetadata, session.inputNames),
      outputs: describeValues(session.outputMetadata, session.outputNames),
    };
    const handler = await loadHandler(req.handler, req.modelDir, ctx);
    this.models.set(req.modelKey, { ctx, handler });
    return { inputs: ctx.inputs, outputs: ctx.outputs };
  }

  async unload(modelKey: string): Promise<void> {
    const m = this.models.get(modelKey);
    this.models.delete(modelKey);
    await m?.ctx.session.release();
  }

  async infer(modelKey: string, items: InferItem[]): Promise<ItemResult[]> {
    const m = this.models.get(modelKey);
    if (!m) return items.map(() => errorResult(503, 'ServiceUnavailableException', `model ${modelKey} is not loaded in this worker`));
    let outs: unknown[];
    const explain = isExplain(items);
    if (explain && !m.handler.explain) return items.map(() => errorResult(503, 'InternalServerException', NO_EXPLAIN));
    try {
      outs = explain ? await m.handler.explain!(items.map(toRequest), m.ctx) : await m.handler.handle(items.map(toRequest), m.ctx);
    } catch (e) {
      return items.map(() => failure(e));
    }
    if (!Array.isArray(outs) || outs.length !== items.length) {
      const n = Array.isArray(outs) ? outs.length : 'no list';
      return items.map(() => errorResult(503, 'PredictionException', `Prediction failed: the handler returned ${n} results for a batch of ${items.length}`));
    }
    return outs.map(toResult);
  }
}
