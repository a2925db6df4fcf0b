// The built-in `base_handler`: tensors in and out.
//  - JSON body: a nested array (fed to the model's first input) or an object {inputName: nested}.
//    A tensor one rank short of the model's input is a single example: a batch dim is added and
//    removed again on the way out.
//  - application/octet-stream body: raw little-endian values of the first input; the batch dim
//    is inferred from the byte count.
// Out: {outputName: nested array} per request, or with `Accept: application/octet-stream` the
// outputs' raw bytes (shape and dtype in x-tensor-* headers). Requests of a batch run as one session call.
// KServe v1 and OIP v2 JSON bodies are recognized too (protocols.ts).
import { MlsError } from '../../errors.js';
import { fromBytes, fromNested, isDType, type DType, type PlainTensor } from './tensors.js';
import { JsonText, TensorBytes, tensorBytes, tensorJson } from './tensor-json.js';
import { runBatched, type Feeds } from './session.js';
import type { HandlerContext, HandlerRequest, ModelHandler, TensorMeta } from './types.js';
import { BINARY_PART, readProtocol, renderProtocol, type ProtocolInfo } from './protocols.js';

const PLAIN: ProtocolInfo = { protocol: 'plain' };

interface Prepared {
  feeds: Feeds;
  single: boolean; // the request sent one example without a batch dim
  info: ProtocolInfo;
  raw: boolean; // answer raw tensor bytes (Accept: application/octet-stream)
}

function dtypeOf(meta: TensorMeta): DType {
  if (!isDType(meta.type)) throw new Error(`input ${meta.name} has type ${meta.type}, which base_handler cannot feed`);
  return meta.type;
}


export function prepareRequest(req: HandlerRequest, ctx: HandlerContext): Omit<Prepared, 'raw'> {
  const first = ctx.inputs[0];
  if (!first) throw new Error('the model has no inputs');
  if (/octet-stream/.test(req.contentType)) {
    const inner = first.shape.slice(1);
    if (inner.some((d) => d < 0)) throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { dynamicInner: { input: first.name } });
    return { feeds: { [first.name]: fromBytes(req.body, dtypeOf(first), inner, first.name) }, single: false, info: PLAIN };
  }
  let value: unknown;
  try {
    value = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { notJson: {} });
  }
  const proto = readProtocol(value, ctx, req.parts.find((p) => p.name === BINARY_PART)?.body);
  if (proto.feeds) return { feeds: checkShapes(proto.feeds, ctx), single: false, info: proto.info };
  const named: Record<string, unknown> = proto.named ?? (Array.isArray(value) ? { [first.name]: value } : (value as Record<string, unknown>));
  if (!named || typeof named !== 'object') throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { notTensors: {} });
  const feeds: Feeds = {};
  let single = false;
  for (const meta of ctx.inputs) {
    const v = named[meta.name];
    if (v === undefined) throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { missingInput: { name: meta.name, known: ctx.inputs.map((i) => i.name).join(', ') } });
    let t;
    try {
      t = fromNested(v, dtypeOf(meta), meta.name);
    } catch (e) {
      throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { tensor: { reason: (e as Error).message } });
    }
    if (meta.shape.length > 0 && t.dims.length === meta.shape.length - 1) {
      t = { ...t, dims: [1, ...t.dims] };
      single = true;
    }
    feeds[meta.name] = t;
  }
  return { feeds: checkShapes(feeds, ctx), single, info: proto.info };
}

/**
 * A tensor that does not fit the model's input is the client's mistake (400) and must fail alone:
 * left to ONNX Runtime it would fail the whole batch, other clients' requests included.
 */
function checkShapes(feeds: Feeds, ctx: HandlerContext): Feeds {
  for (const meta of ctx.inputs) {
    const t = feeds[meta.name];
    if (!t) throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { missingInput: { name: meta.name, known: ctx.inputs.map((i) => i.name).join(', ') } });
    const want = `[${meta.shape.map((d) => (d < 0 ? '?' : d)).join(',')}]`;
    if (meta.shape.length > 0 && t.dims.length !== meta.shape.length) throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { shape: { input: meta.name, got: t.dims.join(','), want } });
    t.dims.forEach((d, i) => {
      const m = meta.shape[i] ?? -1;
      if (!Number.isSafeInteger(d) || d < 0 || (m >= 0 && d !== m)) throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { shape: { input: meta.name, got: t.dims.join(','), want } });
    });
  }
  return feeds;
}

/** {outputName: nested array} as JSON text; raw bytes (tensorBytes) when the client asked for them. */
export function renderOutputs(out: Feeds, single: boolean, raw = false): JsonText | TensorBytes {
  const entries = Object.entries(out).map(([name, t]): [string, PlainTensor] => [name, single && t.dims[0] === 1 ? { ...t, dims: t.dims.slice(1) } : t]);
  if (raw) return tensorBytes(entries);
  return new JsonText(`{${entries.map(([name, t]) => `${JSON.stringify(name)}:${tensorJson(t)}`).join(',')}}`);
}

/** `Accept: application/octet-stream` (the frontend passes that header on to the worker). */
function wantsBytes(req: HandlerRequest): boolean {
  const accept = req.headers?.accept;
  return typeof accept === 'string' && accept.includes('application/octet-stream');
}

export const baseHandler: ModelHandler = {
  async handle(requests: HandlerRequest[], ctx: HandlerContext) {
    const results: unknown[] = new Array(requests.length);
    const prepared: Prepared[] = [];
    const index: number[] = [];
    requests.forEach((r, i) => {
      try {
        prepared.push({ ...prepareRequest(r, ctx), raw: wantsBytes(r) });
        index.push(i);
      } catch (e) {
        results[i] = e; // a bad request fails alone, the rest of the batch still runs
      }
    });
    if (prepared.length > 0) {
      const outs = await runBatched(ctx, prepared.map((p) => p.feeds));
      outs.forEach((o, k) => {
        const p = prepared[k]!;
        results[index[k]!] = p.info.protocol === 'plain' ? renderOutputs(o, p.single, p.raw) : renderProtocol(p.info, o, ctx);
      });
    }
    return results;
  },
};
