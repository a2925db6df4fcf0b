// Tensors as plain data: nested JSON arrays ↔ flat typed arrays with dims, concatenation along the
// batch dimension (dynamic batching) and splitting the results back per request.

export type DType =
  | 'float32' | 'float64' | 'float16' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'bool' | 'string';
export type TypedData =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array | string[];

export interface PlainTensor {
  type: DType;
  data: TypedData;
  dims: number[];
}

// float16 travels as its IEEE half bits (ONNX Runtime's representation in Node).
const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
} as const;

export type NumericDType = keyof typeof CTORS;

export function isDType(t: string): t is DType {
  return t === 'string' || Object.hasOwn(CTORS, t);
}

/** Bytes per element of a numeric type (0 for string). */
export function elementSize(type: DType): number {
  return type === 'string' ? 0 : CTORS[type].BYTES_PER_ELEMENT;
}

export function allocate(type: DType, length: number): TypedData {
  return type === 'string' ? new Array<string>(length).fill('') : new CTORS[type](length);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** A number as IEEE 754 half-precision bits (round to nearest even, overflow to infinity). */
export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/** IEEE half bits → number. */
export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
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

/**
 * Nested array → typed array; throws with the path of the first ragged or non-numeric element.
 * The fill below does no per-element work beyond a type check and a store (it is the whole cost
 * of a JSON request once JSON.parse is done); only a refused tensor walks again to name the path.
 */
export function fromNested(value: unknown, type: DType, name: string): PlainTensor {
  const dims = Array.isArray(value) ? shapeOf(value) : [];
  const size = dims.reduce((a, b) => a * b, 1);
  const data = allocate(type, size);
  const ok = type === 'string' || type === 'int64' || type === 'uint64' || type === 'float16' ? fillOther(value, dims, type, data) : fillNumbers(value, dims, data as Float32Array);
  if (!ok) explainNested(value, dims, type, name);
  return { type, data, dims };
}

/** Numbers (and booleans) into a plain numeric typed array; false at the first bad element or row. */
function fillNumbers(value: unknown, dims: number[], data: Float32Array): boolean {
  let i = 0;
  const last = dims.length - 1;
  const walk = (v: unknown, depth: number): boolean => {
    if (!Array.isArray(v) || v.length !== dims[depth]) return false;
    if (depth === last) {
      for (let k = 0; k < v.length; k++) {
        const x: unknown = v[k];
        if (typeof x === 'number') data[i++] = x;
        else if (typeof x === 'boolean') data[i++] = x ? 1 : 0;
        else return false;
      }
      return true;
    }
    for (let k = 0; k < v.length; k++) if (!walk(v[k], depth + 1)) return false;
    return true;
  };
  if (dims.length === 0) {
    if (typeof value === 'number' || typeof value === 'boolean') data[0] = Number(value);
    else return false;
    return true;
  }
  return walk(value, 0);
}

/** Strings, 64-bit integers (BigInt) and halves; false at the first bad element or row. */
function fillOther(value: unknown, dims: number[], type: DType, data: TypedData): boolean {
  let i = 0;
  const walk = (v: unknown, depth: number): boolean => {
    if (depth === dims.length) {
      if (type === 'string') {
        if (typeof v !== 'string') return false;
        (data as string[])[i++] = v;
      } else if (typeof v !== 'number' && typeof v !== 'boolean') {
        return false;
      } else if (type === 'float16') {
        (data as Uint16Array)[i++] = toHalf(Number(v));
      } else {
        (data as BigInt64Array)[i++] = BigInt(Math.trunc(Number(v)));
      }
      return true;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) return false;
    for (let k = 0; k < v.length; k++) if (!walk(v[k], depth + 1)) return false;
    return true;
  };
  return walk(value, 0);
}

/** Throws the error of the first ragged or wrongly typed element, with its path. */
function explainNested(value: unknown, dims: number[], type: DType, name: string): never {
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === dims.length) {
      if (type === 'string' && typeof v !== 'string') throw new Error(`${name}${path}: expected a string, got ${JSON.stringify(v)}`);
      if (type !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new Error(`${name}${path}: expected a number, got ${JSON.stringify(v)}`);
      return;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) {
      throw new Error(`${name}${path}: ragged tensor, expected an array of ${dims[depth]} elements`);
    }
    for (let k = 0; k < v.length; k++) walk(v[k], depth + 1, `${path}[${k}]`);
  };
  walk(value, 0, '');
  throw new Error(`${name}: not a tensor of ${type}`);
}

/** One element as JSON: 64-bit integers become numbers (JSON has no 64-bit integers), halves numbers, bools booleans. */
function element(t: PlainTensor, i: number): unknown {
  const v = t.data[i];
  if (typeof v === 'bigint') return Number(v);
  if (t.type === 'bool') return v !== 0;
  if (t.type === 'float16') return fromHalf(v as number);
  return v;
}

/** Typed array → nested arrays. */
export function toNested(t: PlainTensor): unknown {
  const { dims } = t;
  let i = 0;
  const build = (depth: number): unknown => {
    if (depth === dims.length) return element(t, i++);
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
  if (first.type === 'string') return { type: 'string', data: parts.flatMap((p) => p.data as string[]), dims: [rows, ...first.dims.slice(1)] };
  const joined = adjacentView(parts);
  if (joined) return { type: first.type, data: joined, dims: [rows, ...first.dims.slice(1)] };
  const out = allocate(first.type, parts.reduce((a, p) => a + p.data.length, 0));
  let off = 0;
  for (const p of parts) {
    (out as Float32Array).set(p.data as Float32Array, off);
    off += p.data.length;
  }
  return { type: first.type, data: out, dims: [rows, ...first.dims.slice(1)] };
}

/**
 * The parts as one view when each starts where the previous one ends in the same memory: the
 * raw bodies of a batch travel back to back in one infer frame, so their batch needs no copy.
 */
function adjacentView(parts: PlainTensor[]): TypedData | null {
  const first = parts[0]!.data as Float32Array;
  let end = first.byteOffset + first.byteLength;
  for (let k = 1; k < parts.length; k++) {
    const d = parts[k]!.data as Float32Array;
    if (d.buffer !== first.buffer || d.byteOffset !== end) return null;
    end += d.byteLength;
  }
  const Ctor = first.constructor as Float32ArrayConstructor;
  return new Ctor(first.buffer, first.byteOffset, (end - first.byteOffset) / Ctor.BYTES_PER_ELEMENT);
}

/** Splits a tensor along dimension 0 into pieces of the given row counts (views, no copies). */
export function splitBatch(t: PlainTensor, rows: number[]): PlainTensor[] {
  const rowSize = t.dims.slice(1).reduce((a, b) => a * b, 1);
  let off = 0;
  return rows.map((r) => {
    const piece = (Array.isArray(t.data) ? t.data.slice(off * rowSize, (off + r) * rowSize) : t.data.subarray(off * rowSize, (off + r) * rowSize)) as TypedData;
    off += r;
    return { type: t.type, data: piece, dims: [r, ...t.dims.slice(1)] };
  });
}

/** Raw little-endian bytes → tensor with the given inner dims (the batch dim is inferred). */
export function fromBytes(bytes: Buffer, type: DType, innerDims: number[], name: string): PlainTensor {
  if (type === 'string') {
    const data = decodeBytesTensor(bytes, name);
    const inner = innerDims.reduce((a, b) => a * b, 1);
    if (data.length % inner !== 0) throw new Error(`${name}: ${data.length} strings do not fill rows of shape [${innerDims.join(',')}]`);
    return { type, data, dims: [data.length / inner, ...innerDims] };
  }
  const Ctor = CTORS[type];
  const inner = innerDims.reduce((a, b) => a * b, 1);
  if (bytes.length % (Ctor.BYTES_PER_ELEMENT * inner) !== 0) {
    throw new Error(`${name}: ${bytes.length} bytes is not a whole number of ${type} rows of shape [${innerDims.join(',')}]`);
  }
  // A view when the bytes sit aligned for the type (no copy between the frame and session.run);
  // otherwise a copy into an aligned buffer: a Buffer slice may start at an odd offset.
  let data;
  if (bytes.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) data = new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length / Ctor.BYTES_PER_ELEMENT);
  else {
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    data = new Ctor(copy.buffer, 0, bytes.length / Ctor.BYTES_PER_ELEMENT);
  }
  return { type, data, dims: [data.length / inner, ...innerDims] };
}

/** Tensor → raw little-endian bytes (BYTES: each element as a 4-byte length and its UTF-8 bytes, as Triton). */
export function toBytes(t: PlainTensor): Buffer {
  if (Array.isArray(t.data)) {
    const parts: Buffer[] = [];
    for (const s of t.data) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32LE(b.length);
      parts.push(len, b);
    }
    return Buffer.concat(parts);
  }
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** Triton's BYTES serialization: repeated [u32 little-endian length][bytes]. */
export function decodeBytesTensor(bytes: Buffer, name: string): string[] {
  const out: string[] = [];
  let off = 0;
  while (off < bytes.length) {
    if (off + 4 > bytes.length) throw new Error(`${name}: BYTES data ends inside an element length`);
    const len = bytes.readUInt32LE(off);
    off += 4;
    if (off + len > bytes.length) throw new Error(`${name}: BYTES element of ${len} bytes runs past the data`);
    out.push(bytes.toString('utf8', off, off + len));
    off += len;
  }
  return out;
}
