// Requests built from a model's own metadata when no payload is given, as perf_analyzer does with
// random data: GET /v2/models/{m} gives each input's name, datatype and shape; free dimensions
// (-1) become 1; the values are seeded so a run can be repeated. The body is a KServe v2 request.
import { MlsError } from '../errors.js';
import { lcg } from '../seeded-random.js';
import type { Payload } from './payloads.js';

export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

/** Elements per generated request: a model whose fixed dimensions ask for more needs a payload file. */
export const MAX_GENERATED_ELEMENTS = 4 * 1024 * 1024;

const INT_RANGES: Record<string, [number, number]> = {
  // Small non-negative integers: valid as token ids, class indices and counts for any vocabulary.
  UINT8: [0, 8],
  UINT16: [0, 8],
  UINT32: [0, 8],
  UINT64: [0, 8],
  INT8: [0, 8],
  INT16: [0, 8],
  INT32: [0, 8],
  INT64: [0, 8],
};

/** Builds the KServe v2 body for one model from its metadata; values from a seeded generator. */
export function payloadFromMetadata(model: string, inputs: TensorMetadata[], seed: number): Payload {
  if (inputs.length === 0) {
    throw new MlsError('MLS_ERR_LOADTEST_NO_METADATA', { noInputs: { model } }, { details: { model } });
  }
  const next = lcg(seed);
  const tensors = inputs.map((t) => {
    const shape = t.shape.map((d) => (d < 0 ? 1 : d));
    const count = shape.reduce((a, b) => a * b, 1);
    if (count > MAX_GENERATED_ELEMENTS) {
      throw new MlsError('MLS_ERR_LOADTEST_NO_METADATA', { tooManyElements: { model, name: t.name, count } }, {
        details: { model, input: t.name, shape },
      });
    }
    return { name: t.name, shape, datatype: t.datatype, data: values(t.datatype, count, next, model, t.name) };
  });
  const body = Buffer.from(JSON.stringify({ inputs: tensors }));
  return { kind: 'kserve-v2', body, contentType: 'application/json', source: `generated from /v2/models/${model} (seed ${seed})` };
}

function values(datatype: string, count: number, next: () => number, model: string, input: string): Array<number | boolean | string> {
  const out = new Array<number | boolean | string>(count);
  const range = INT_RANGES[datatype];
  for (let i = 0; i < count; i++) {
    if (range) out[i] = range[0] + Math.floor(next() * (range[1] - range[0]));
    else if (datatype === 'FP32' || datatype === 'FP64' || datatype === 'FP16') out[i] = Math.round(next() * 1e4) / 1e4;
    else if (datatype === 'BOOL') out[i] = next() < 0.5;
    else if (datatype === 'BYTES') out[i] = Math.floor(next() * 36 ** 4).toString(36);
    else {
      throw new MlsError('MLS_ERR_LOADTEST_NO_METADATA', { datatype: { model, input, datatype } }, {
        details: { model, input, datatype },
      });
    }
  }
  return out;
}

/** Reads /v2/models/{m} from the model's server: its inputs as the server describes them. */
export async function fetchInputMetadata(inference: string, model: string, timeoutMs = 10_000): Promise<TensorMetadata[]> {
  const url = `${inference}/v2/models/${encodeURIComponent(model)}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const why = (e as Error).name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : String((e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message);
    throw new MlsError('MLS_ERR_LOADTEST_UNREACHABLE', { metadata: { model, url, why } }, { details: { model, url } });
  }
  const text = await res.text();
  let doc: { inputs?: unknown } | undefined;
  try {
    doc = JSON.parse(text) as { inputs?: unknown };
  } catch {
    doc = undefined;
  }
  const inputs = doc?.inputs;
  const valid =
    Array.isArray(inputs) &&
    inputs.every((t: Partial<TensorMetadata>) => typeof t?.name === 'string' && typeof t.datatype === 'string' && Array.isArray(t.shape) && t.shape.every(Number.isInteger));
  if (!res.ok || !valid) {
    throw new MlsError('MLS_ERR_LOADTEST_NO_METADATA', { notDescribed: { model, url, status: res.status, text: text.slice(0, 200) } }, {
      details: { model, url, status: res.status },
    });
  }
  return inputs as TensorMetadata[];
}
