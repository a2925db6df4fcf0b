// Tensors as plain data: nested JSON arrays ↔ flat typed arrays with dims, concatenation along the
// batch dimension (dynamic batching) and splitting the results back per request.

export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'int8' | 'uint8' | 'bool';
export type TypedData = Float32Array | Float64Array | Int32Array | BigInt64Array | Int8Array | Uint8Array;

export interface PlainTensor {
  type: DType;
  data: TypedData;
  dims: number[];
}

const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
} as const;

export function isDType(t: string): t is DType {
  return Object.hasOwn(CTORS, t);
}

export function allocate(type: DType, length: number): TypedData {
  return new CTORS[type](length);
}

function shapeOf(value: unknown): number[] {
  const dims: number[] = [];
  let v = value;
  while (Array.isArray(v)) {
    dims.push(v.length);
    v = v[0];
  }
  return dims;
}

/** Nested array → typed array; throws with the path of the first ragged or non-numeric element. */
export function fromNested(value: unknown, type: DType, name: string): PlainTensor {
  const dims = Array.isArray(value) ? shapeOf(value) : [];
  const size = dims.reduce((a, b) => a * b, 1);
  const data = allocate(type, size);
  let i = 0;
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === dims.length) {
      if (type === 'int64') (data as BigInt64Array)[i++] = BigInt(Math.trunc(Number(v)));
      else if (typeof v === 'number' || typeof v === 'boolean') (data as Float32Array)[i++] = Number(v);
      else throw new Error(`${name}${path}: expected a number, got ${JSON.stringify(v)}`);
      return;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) {
      throw new Error(`${name}${path}: ragged tensor, expected an array of ${dims[depth]} elements`);
    }
    for (let k = 0; k < v.length; k++) walk(v[k], depth + 1, `${path}[${k}]`);
  };
  walk(value, 0, '');
  return { type, data, dims };
}

/** Typed array → nested arrays (int64 becomes numbers: JSON has no 64-bit integers). */
export function toNested(t: PlainTensor): unknown {
  const { data, dims } = t;
  let i = 0;
  const big = data instanceof BigInt64Array;
  const build = (depth: number): unknown => {
    if (depth === dims.length) return big ? Number((data as BigInt64Array)[i++]) : t.type === 'bool' ? data[i++] !== 0 : data[i++];
    const n = dims[depth]!;
    const out = new Array<unknown>(n);
    for (let k = 0; k < n; k++) out[k] = build(depth + 1);
    return out;
  };
  return build(0);
}

/** Concatenates tensors along dimension 0; null if their other dimensions differ. */
export function concatBatch(parts: PlainTensor[]): PlainTensor | null {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  const inner = first.dims.slice(1).join(',');
  let rows = 0;
  for (const p of parts) {
    if (p.type !== first.type || p.dims.length !== first.dims.length || p.dims.slice(1).join(',') !== inner) return null;
    rows += p.dims[0]!;
  }
  const out = allocate(first.type, parts.reduce((a, p) => a + p.data.length, 0));
  let off = 0;
  for (const p of parts) {
    (out as Float32Array).set(p.data as Float32Array, off);
    off += p.data.length;
  }
  return { type: first.type, data: out, dims: [rows, ...first.dims.slice(1)] };
}

/** Splits a tensor along dimension 0 into pieces of the given row counts (views, no copies). */
export function splitBatch(t: PlainTensor, rows: number[]): PlainTensor[] {
  const rowSize = t.dims.slice(1).reduce((a, b) => a * b, 1);
  let off = 0;
  return rows.map((r) => {
    const piece = t.data.subarray(off * rowSize, (off + r) * rowSize) as TypedData;
    off += r;
    return { type: t.type, data: piece, dims: [r, ...t.dims.slice(1)] };
  });
}

/** Raw little-endian bytes → tensor with the given inner dims (the batch dim is inferred). */
export function fromBytes(bytes: Buffer, type: DType, innerDims: number[], name: string): PlainTensor {
  const Ctor = CTORS[type];
  const inner = innerDims.reduce((a, b) => a * b, 1);
  if (bytes.length % (Ctor.BYTES_PER_ELEMENT * inner) !== 0) {
    throw new Error(`${name}: ${bytes.length} bytes is not a whole number of ${type} rows of shape [${innerDims.join(',')}]`);
  }
  // Copy into an aligned buffer: a Buffer slice may start at an odd offset.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const data = new Ctor(copy.buffer, 0, bytes.length / Ctor.BYTES_PER_ELEMENT);
  return { type, data, dims: [data.length / inner, ...innerDims] };
}
