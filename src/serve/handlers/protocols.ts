// The request and response bodies base_handler understands besides plain tensors: KServe v1
// (`{"instances": [...]}` → `{"predictions": [...]}`) and the Open Inference Protocol v2 JSON form
// (`{"inputs": [{name, shape, datatype, data}]}` → `{"model_name", "outputs": [...]}`), so that
// the protocol routes of the frontend can hand requests to the same handler and batcher.
import { MlsError } from '../../errors.js';
import { elementSize, fromBytes, fromNested, toBytes, type DType, type PlainTensor } from './tensors.js';
import { JsonText, tensorJson } from './tensor-json.js';
import type { Feeds } from './session.js';
import type { HandlerContext } from './types.js';

export type Protocol = 'plain' | 'kserve-v1' | 'oip-v2';

export interface ProtocolInfo {
  protocol: Protocol;
  /** OIP v2: the request id to echo and the outputs asked for. */
  id?: string;
  outputs?: string[];
  /** OIP v2 binary extension: outputs to return as raw bytes after the JSON header. */
  binaryOutputs?: Set<string>;
  /** binary_data_output: every output in binary unless asked otherwise. */
  allBinary?: boolean;
}

/** The answer of a binary-extension request: a JSON header followed by the outputs' bytes. */
export interface BinaryBody {
  json: Buffer;
  binary: Buffer[];
}

/** The request part holding the bytes after the JSON header of a binary-extension request. */
export const BINARY_PART = 'inference-binary-data';

/** The content type a binary-extension answer travels with from the worker to the frontend. */
export const BINARY_RESULT_TYPE = 'application/octet-stream; inference-header-content-length=';

const V2_TYPES: Record<string, DType> = {
  BOOL: 'bool', UINT8: 'uint8', UINT16: 'uint16', UINT32: 'uint32', UINT64: 'uint64', INT8: 'int8', INT16: 'int16',
  INT32: 'int32', INT64: 'int64', FP16: 'float16', FP32: 'float32', FP64: 'float64', BYTES: 'string',
};
const V2_NAMES: Record<string, string> = Object.fromEntries(Object.entries(V2_TYPES).map(([k, v]) => [v, k]));

export function v2Datatype(type: string): string {
  return V2_NAMES[type] ?? (type === 'float16' ? 'FP16' : type === 'string' ? 'BYTES' : type.toUpperCase());
}


function param(o: unknown, key: string): unknown {
  const p = o && typeof o === 'object' ? (o as { parameters?: unknown }).parameters : undefined;
  return p && typeof p === 'object' ? (p as Record<string, unknown>)[key] : undefined;
}

/** One OIP v2 input tensor: JSON `data`, or `parameters.binary_data_size` bytes of the binary section. */
function v2Input(raw: Record<string, unknown>, ctx: HandlerContext, binary: { buf: Buffer; off: number }): [string, PlainTensor] {
  const names = ctx.inputs.map((i) => i.name);
  const name = String(raw.name);
  const meta = ctx.inputs.find((i) => i.name === name);
  if (!meta) throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { unknownInput: { name, known: names.join(', ') } });
  const type = V2_TYPES[String(raw.datatype)];
  if (!type) throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { unknownDatatype: { input: name, datatype: String(raw.datatype), known: Object.keys(V2_TYPES).join(', ') } });
  if (type !== meta.type) throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { datatypeMismatch: { input: name, datatype: String(raw.datatype), want: v2Datatype(meta.type) } });
  const shape = (raw.shape as number[] | undefined) ?? [];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { shapeNotArray: { input: name } });
  const count = shape.reduce((a, b) => a * b, 1);
  const size = param(raw, 'binary_data_size');
  let flat: PlainTensor;
  try {
    if (size !== undefined) {
      if (!Number.isSafeInteger(size) || (size as number) < 0 || binary.off + (size as number) > binary.buf.length) {
        throw new Error(`input ${name}: binary_data_size ${String(size)} runs past the ${binary.buf.length - binary.off} bytes left in the request`);
      }
      const bytes = binary.buf.subarray(binary.off, binary.off + (size as number));
      binary.off += size as number;
      if (type !== 'string' && bytes.length !== count * elementSize(type)) throw new Error(`input ${name}: ${bytes.length} bytes do not fill shape [${shape.join(',')}] of ${String(raw.datatype)}`);
      flat = fromBytes(bytes, type, [], name);
    } else {
      if (!Array.isArray(raw.data)) throw new Error(`input ${name}: data must be an array (or use the binary extension)`);
      const data = raw.data as unknown[];
      // Flat data (the usual form) is read as it is; nested data is flattened first.
      flat = fromNested(data.some(Array.isArray) ? data.flat(Infinity) : data, type, name);
    }
  } catch (e) {
    throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { tensor: { reason: (e as Error).message } });
  }
  if (flat.data.length !== count) throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { valuesDoNotFill: { input: name, count: flat.data.length, shape: shape.join(',') } });
  return [name, { ...flat, dims: shape }];
}

/**
 * Recognizes the protocol of a parsed JSON body; for v1/v2, returns the tensors by input name.
 * `binary` is the part after the JSON header of an OIP v2 binary-extension request.
 */
export function readProtocol(value: unknown, ctx: HandlerContext, binary?: Buffer): { info: ProtocolInfo; named?: Record<string, unknown>; feeds?: Feeds } {
  const names = new Set(ctx.inputs.map((i) => i.name));
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  if (obj && Array.isArray(obj.instances) && !names.has('instances')) {
    return { info: { protocol: 'kserve-v1' }, named: { [ctx.inputs[0]!.name]: obj.instances } };
  }
  if (obj && Array.isArray(obj.inputs) && !names.has('inputs')) {
    const feeds: Feeds = {};
    const bin = { buf: binary ?? Buffer.alloc(0), off: 0 };
    for (const raw of obj.inputs as Array<Record<string, unknown>>) {
      if (!raw || typeof raw !== 'object') throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { inputNotObject: {} });
      const [name, t] = v2Input(raw, ctx, bin);
      feeds[name] = t;
    }
    const info: ProtocolInfo = { protocol: 'oip-v2', id: typeof obj.id === 'string' ? obj.id : undefined, allBinary: param(obj, 'binary_data_output') === true };
    if (Array.isArray(obj.outputs)) {
      const known = new Set(ctx.outputs.map((o) => o.name));
      info.outputs = [];
      info.binaryOutputs = new Set();
      for (const o of obj.outputs as Array<Record<string, unknown>>) {
        const name = String(o?.name);
        if (!known.has(name)) throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { unknownOutput: { name, known: [...known].join(', ') } });
        info.outputs.push(name);
        const b = param(o, 'binary_data');
        if (b === true || (b === undefined && info.allBinary)) info.binaryOutputs.add(name);
      }
    } else if (info.allBinary) {
      info.binaryOutputs = new Set(ctx.outputs.map((o) => o.name));
    }
    return { info, feeds };
  }
  return { info: { protocol: 'plain' } };
}

/** Renders one request's outputs in the protocol it came in (a BinaryBody when outputs go as raw bytes). */
export function renderProtocol(info: ProtocolInfo, out: Feeds, ctx: HandlerContext): unknown {
  if (info.protocol === 'kserve-v1') {
    const first = out[ctx.outputs[0]?.name ?? ''] ?? Object.values(out)[0];
    return new JsonText(`{"predictions":${first ? tensorJson(first) : '[]'}}`);
  }
  const binary: Buffer[] = [];
  // Each output's JSON is written around its data, which comes straight from the typed array.
  const outputs = Object.entries(out)
    .filter(([name]) => !info.outputs || info.outputs.includes(name))
    .map(([name, t]: [string, PlainTensor]) => {
      const head = `{"name":${JSON.stringify(name)},"datatype":"${v2Datatype(t.type)}","shape":${JSON.stringify(t.dims)}`;
      if (info.binaryOutputs?.has(name)) {
        const bytes = toBytes(t);
        binary.push(bytes);
        return `${head},"parameters":{"binary_data_size":${bytes.length}}}`;
      }
      return `${head},"data":${tensorJson({ ...t, dims: [t.data.length] })}}`;
    });
  const top = JSON.stringify({ model_name: ctx.modelName, model_version: ctx.modelVersion, ...(info.id ? { id: info.id } : {}) });
  const text = `${top.slice(0, -1)},"outputs":[${outputs.join(',')}]}`;
  if (binary.length === 0) return new JsonText(text);
  return { json: Buffer.from(text), binary } satisfies BinaryBody;
}

export function isBinaryBody(v: unknown): v is BinaryBody {
  return !!v && typeof v === 'object' && Buffer.isBuffer((v as BinaryBody).json) && Array.isArray((v as BinaryBody).binary);
}
