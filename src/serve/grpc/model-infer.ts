// KServe v2 ModelInfer over gRPC, on the same queue, batcher and handler as HTTP: the request becomes
// the binary tensor extension's two parts (a JSON header naming each input's datatype, shape and
// byte size, then the tensors' raw bytes) and every output is asked for in binary, so tensors never
// pass through JSON. The answer's raw bytes become raw_output_contents, or typed contents when the
// request sent typed contents.
import type { ItemResult, RequestPart } from '../ipc/messages.js';
import { BINARY_PART, BINARY_RESULT_TYPE } from '../handlers/protocols.js';
import { MlsError } from '../../errors.js';
import { contentsToRaw, rawToContents, type TensorContents } from './tensor-contents.js';

type Parameters = Record<string, { parameter_choice?: string; [k: string]: unknown }>;

export interface ModelInferRequest {
  model_name: string;
  model_version: string;
  id: string;
  parameters: Parameters;
  inputs: Array<{ name: string; datatype: string; shape: Array<string | number>; parameters: Parameters; contents: TensorContents | null }>;
  outputs: Array<{ name: string; parameters: Parameters }>;
  raw_input_contents: Buffer[];
}

interface OutputTensor {
  name: string;
  datatype: string;
  shape: number[];
  contents?: TensorContents;
}

export interface ModelInferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: OutputTensor[];
  raw_output_contents: Buffer[];
}

function hasContents(c: TensorContents | null): boolean {
  return !!c && Object.values(c).some((v) => Array.isArray(v) && v.length > 0);
}

/** The request as the binary extension's parts; a message that cannot be a request is INVALID_ARGUMENT (400). */
export function inferParts(req: ModelInferRequest): { parts: RequestPart[]; raw: boolean } {
  const raw = req.raw_input_contents.length > 0;
  if (raw && req.raw_input_contents.length !== req.inputs.length) {
    throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { rawCount: { tensors: req.raw_input_contents.length, inputs: req.inputs.length } });
  }
  const bins: Buffer[] = [];
  const inputs = req.inputs.map((t, i) => {
    if (raw && hasContents(t.contents)) throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { contentsAndRaw: { input: t.name } });
    const shape = t.shape.map(Number);
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { shapeNegative: { input: t.name } });
    const bytes = raw ? req.raw_input_contents[i]! : contentsToRaw(t.datatype, t.contents, t.name);
    bins.push(bytes);
    return { name: t.name, datatype: t.datatype, shape, parameters: { binary_data_size: bytes.length } };
  });
  const outputs = req.outputs.map((o) => ({ name: o.name, parameters: { binary_data: true } }));
  const header = {
    ...(req.id ? { id: req.id } : {}),
    inputs,
    ...(outputs.length > 0 ? { outputs } : {}),
    parameters: { binary_data_output: true },
  };
  return {
    raw,
    parts: [
      { name: 'body', contentType: 'application/json', body: Buffer.from(JSON.stringify(header)) },
      { name: BINARY_PART, contentType: 'application/octet-stream', body: bins.length === 1 ? bins[0]! : Buffer.concat(bins) },
    ],
  };
}

interface V2Output {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: { binary_data_size?: number };
  data?: unknown[];
}

/** A JSON `data` array (a handler that answered without the binary form) as raw bytes. */
function dataToRaw(o: V2Output): Buffer {
  const flat = (o.data ?? []).flat(Infinity);
  const field: Record<string, keyof TensorContents> = { BOOL: 'bool_contents', INT64: 'int64_contents', UINT64: 'uint64_contents', FP32: 'fp32_contents', FP64: 'fp64_contents', BYTES: 'bytes_contents' };
  const key = field[o.datatype] ?? (o.datatype.startsWith('UINT') ? 'uint_contents' : 'int_contents');
  const values = o.datatype === 'BYTES' ? flat.map((v) => Buffer.from(String(v))) : flat;
  return contentsToRaw(o.datatype, { [key]: values }, o.name);
}

/** The worker's answer (status 200) as a ModelInferResponse. */
export function inferResponse(r: ItemResult, req: ModelInferRequest, modelVersion: string, raw: boolean): ModelInferResponse {
  const binary = r.contentType.startsWith(BINARY_RESULT_TYPE);
  const headerLength = binary ? Number(r.contentType.slice(BINARY_RESULT_TYPE.length)) : r.body.length;
  const head = JSON.parse(r.body.subarray(0, headerLength).toString('utf8')) as { model_name?: string; model_version?: string; id?: string; outputs?: V2Output[] };
  if (!Array.isArray(head.outputs)) throw new Error('the handler did not answer with Open Inference Protocol outputs');
  let off = headerLength;
  const outputs: OutputTensor[] = [];
  const rawOut: Buffer[] = [];
  for (const o of head.outputs) {
    const size = o.parameters?.binary_data_size;
    let bytes: Buffer;
    if (size !== undefined) {
      bytes = r.body.subarray(off, off + size);
      off += size;
    } else bytes = dataToRaw(o);
    const tensor: OutputTensor = { name: o.name, datatype: o.datatype, shape: o.shape };
    const contents = raw ? undefined : rawToContents(o.datatype, bytes, o.name);
    if (contents) tensor.contents = contents;
    else rawOut.push(bytes);
    outputs.push(tensor);
  }
  // raw_output_contents must hold every output or none: FP16 answers to a typed request go raw, all of them.
  if (rawOut.length > 0 && rawOut.length < outputs.length) return inferResponse(r, req, modelVersion, true);
  // In the order they were asked for (the handler answers in the model's order).
  if (req.outputs.length > 1) {
    const rank = new Map(req.outputs.map((o, i) => [o.name, i]));
    const order = outputs.map((_, i) => i).sort((a, b) => (rank.get(outputs[a]!.name) ?? 0) - (rank.get(outputs[b]!.name) ?? 0));
    return { model_name: req.model_name, model_version: head.model_version ?? modelVersion, id: req.id, outputs: order.map((i) => outputs[i]!), raw_output_contents: rawOut.length ? order.map((i) => rawOut[i]!) : rawOut };
  }
  return { model_name: req.model_name, model_version: head.model_version ?? modelVersion, id: req.id, outputs, raw_output_contents: rawOut };
}
