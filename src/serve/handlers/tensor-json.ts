// Answers of the built-in handlers written straight from typed arrays: JSON text without nested
// arrays of boxed numbers in between (toNested + JSON.stringify built one JS array per row and one
// heap number per element, then walked them again), and raw tensor bytes for clients that ask
// for them with `Accept: application/octet-stream`.
import { fromHalf, toBytes, type PlainTensor } from './tensors.js';

/** A JSON answer already encoded: the worker sends its bytes as they are (application/json). */
export class JsonText {
  constructor(readonly text: string) {}
}

/**
 * Raw tensor bytes: the outputs' little-endian bytes back to back, described by response headers
 * (names, dtypes and shapes, one per output, in the order of the bytes).
 */
export class TensorBytes {
  constructor(
    readonly body: Buffer,
    readonly headers: Record<string, string>,
  ) {}
}

/** The headers that describe a raw-bytes answer (see README "Raw tensor answers"). */
export const TENSOR_HEADERS = { name: 'x-tensor-name', dtype: 'x-tensor-dtype', shape: 'x-tensor-shape' } as const;

export function tensorBytes(outputs: Array<[string, PlainTensor]>): TensorBytes {
  const bodies = outputs.map(([, t]) => toBytes(t));
  return new TensorBytes(bodies.length === 1 ? bodies[0]! : Buffer.concat(bodies), {
    [TENSOR_HEADERS.name]: outputs.map(([n]) => n).join(','),
    [TENSOR_HEADERS.dtype]: outputs.map(([, t]) => t.type).join(','),
    // Shapes separated by ';' (a scalar's shape is empty).
    [TENSOR_HEADERS.shape]: outputs.map(([, t]) => t.dims.join(',')).join(';'),
  });
}

/** Elements [from, to) as JSON values joined by commas, as JSON.stringify would write them. */
function joinElements(t: PlainTensor, from: number, to: number): string {
  const d = t.data;
  if (t.type === 'string') return (d as string[]).slice(from, to).map((s) => JSON.stringify(s)).join(',');
  const parts = new Array<string>(to - from);
  if (t.type === 'bool') {
    for (let i = from; i < to; i++) parts[i - from] = d[i] ? 'true' : 'false';
    return parts.join(',');
  }
  if (t.type === 'float16') {
    for (let i = from; i < to; i++) parts[i - from] = jsonNumber(fromHalf(d[i] as number));
    return parts.join(',');
  }
  if (t.type === 'int64' || t.type === 'uint64') {
    // JSON has no 64-bit integers: as numbers, as before (past 2^53 they round).
    for (let i = from; i < to; i++) parts[i - from] = jsonNumber(Number(d[i] as bigint));
    return parts.join(',');
  }
  const row = (d as Float32Array).subarray(from, to);
  // The native join writes each element as String(number), which is JSON's number form for
  // finite values; NaN and ±Infinity are null in JSON, so rows holding them go element by element.
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (v - v !== 0) {
      for (let k = 0; k < row.length; k++) parts[k] = jsonNumber(row[k]!);
      return parts.join(',');
    }
  }
  return row.join(',');
}

function jsonNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : 'null';
}

/** A tensor as the JSON text of its nested arrays (what JSON.stringify(toNested(t)) gives). */
export function tensorJson(t: PlainTensor): string {
  const { dims } = t;
  if (dims.length === 0) return t.data.length > 0 ? joinElements(t, 0, 1) : 'null';
  const inner = dims[dims.length - 1]!;
  let pos = 0;
  const build = (depth: number): string => {
    const n = dims[depth]!;
    if (depth === dims.length - 1) {
      const text = `[${joinElements(t, pos, pos + inner)}]`;
      pos += inner;
      return text;
    }
    const items = new Array<string>(n);
    for (let k = 0; k < n; k++) items[k] = build(depth + 1);
    return `[${items.join(',')}]`;
  };
  return build(0);
}
