// The request and response bodies base_handler understands besides plain tensors: KServe v1
// (`{"instances": [...]}` → `{"predictions": [...]}`) and the Open Inference Protocol v2 JSON form
// (`{"inputs": [{name, shape, datatype, data}]}` → `{"model_name", "outputs": [...]}`), so that
// the protocol routes of the frontend can hand requests to the same handler and batcher.
import { fromNested, toNested, type DType, type PlainTensor } from './tensors.js';
import type { Feeds } from './session.js';
import type { HandlerContext } from './types.js';

export type Protocol = 'plain' | 'kserve-v1' | 'oip-v2';

export interface ProtocolInfo {
  protocol: Protocol;
  /** OIP v2: the request id to echo and the outputs asked for. */
  id?: string;
  outputs?: string[];
}

const V2_TYPES: Record<string, DType> = {
  FP32: 'float32', FP64: 'float64', INT32: 'int32', INT64: 'int64', INT8: 'int8', UINT8: 'uint8', BOOL: 'bool',
};
const V2_NAMES: Record<string, string> = Object.fromEntries(Object.entries(V2_TYPES).map(([k, v]) => [v, k]));

export function v2Datatype(type: string): string {
  return V2_NAMES[type] ?? (type === 'float16' ? 'FP16' : type === 'string' ? 'BYTES' : type.toUpperCase());
}

function badRequest(message: string): Error {
  return Object.assign(new Error(message), { status: 400 });
}

/** Recognizes the protocol of a parsed JSON body; for v1/v2, returns the tensors by input name. */
export function readProtocol(value: unknown, ctx: HandlerContext): { info: ProtocolInfo; named?: Record<string, unknown>; feeds?: Feeds } {
  const names = new Set(ctx.inputs.map((i) => i.name));
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  if (obj && Array.isArray(obj.instances) && !names.has('instances')) {
    return { info: { protocol: 'kserve-v1' }, named: { [ctx.inputs[0]!.name]: obj.instances } };
  }
  if (obj && Array.isArray(obj.inputs) && !names.has('inputs')) {
    const feeds: Feeds = {};
    for (const raw of obj.inputs as Array<Record<string, unknown>>) {
      if (!raw || typeof raw !== 'object') throw badRequest('each of "inputs" must be an object {name, shape, datatype, data}');
      const name = String(raw.name);
      const meta = ctx.inputs.find((i) => i.name === name);
      if (!meta) throw badRequest(`unknown input "${name}" (inputs: ${[...names].join(', ')})`);
      const type = V2_TYPES[String(raw.datatype)];
      if (!type) throw badRequest(`input ${name}: datatype ${String(raw.datatype)} is not supported by base_handler`);
      const shape = (raw.shape as number[] | undefined) ?? [];
      if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw badRequest(`input ${name}: shape must be an array of non-negative integers`);
      if (!Array.isArray(raw.data)) throw badRequest(`input ${name}: data must be an array`);
      let flat;
      try {
        flat = fromNested((raw.data as unknown[]).flat(Infinity), meta.type as DType, name);
      } catch (e) {
        throw badRequest((e as Error).message);
      }
      if (flat.data.length !== shape.reduce((a, b) => a * b, 1)) throw badRequest(`input ${name}: ${flat.data.length} values do not fill shape [${shape.join(',')}]`);
      feeds[name] = { ...flat, dims: shape };
    }
    const outputs = Array.isArray(obj.outputs) ? (obj.outputs as Array<{ name?: string }>).map((o) => String(o.name)) : undefined;
    return { info: { protocol: 'oip-v2', id: typeof obj.id === 'string' ? obj.id : undefined, outputs }, feeds };
  }
  return { info: { protocol: 'plain' } };
}

/** Renders one request's outputs in the protocol it came in. */
export function renderProtocol(info: ProtocolInfo, out: Feeds, ctx: HandlerContext): unknown {
  if (info.protocol === 'kserve-v1') {
    const first = out[ctx.outputs[0]?.name ?? ''] ?? Object.values(out)[0];
    return { predictions: first ? toNested(first) : [] };
  }
  const outputs = Object.entries(out)
    .filter(([name]) => !info.outputs || info.outputs.includes(name))
    .map(([name, t]: [string, PlainTensor]) => ({
      name,
      datatype: v2Datatype(t.type),
      shape: t.dims,
      data: toNested({ ...t, dims: [t.data.length] }),
    }));
  return { model_name: ctx.modelName, model_version: ctx.modelVersion, ...(info.id ? { id: info.id } : {}), outputs };
}
