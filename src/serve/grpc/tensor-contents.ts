// KServe v2 gRPC tensors: typed `contents` (one repeated field per type family) ↔ the raw
// little-endian bytes the binary tensor extension carries to the worker. The worker only ever sees
// raw bytes, so a typed request costs one conversion here and the handler is the one HTTP uses.
import { MlsError } from '../../errors.js';

/** InferTensorContents as proto-loader gives it (keepCase, longs as strings, defaults). */
export interface TensorContents {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: Array<string | number>;
  uint_contents?: number[];
  uint64_contents?: Array<string | number>;
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Buffer[];
}

type Field = keyof TensorContents;
type NumericCtor = Float32ArrayConstructor | Float64ArrayConstructor | Int8ArrayConstructor | Int16ArrayConstructor | Int32ArrayConstructor
  | Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor;

/** Datatype → the contents field holding it and the typed array of its raw form. */
const LAYOUT: Record<string, [Field, NumericCtor | 'int64' | 'uint64' | 'bytes']> = {
  BOOL: ['bool_contents', Uint8Array],
  UINT8: ['uint_contents', Uint8Array],
  UINT16: ['uint_contents', Uint16Array],
  UINT32: ['uint_contents', Uint32Array],
  UINT64: ['uint64_contents', 'uint64'],
  INT8: ['int_contents', Int8Array],
  INT16: ['int_contents', Int16Array],
  INT32: ['int_contents', Int32Array],
  INT64: ['int64_contents', 'int64'],
  FP32: ['fp32_contents', Float32Array],
  FP64: ['fp64_contents', Float64Array],
  BYTES: ['bytes_contents', 'bytes'],
};

function bigints(values: Array<string | number>, name: string): bigint[] {
  try {
    return values.map((v) => BigInt(v));
  } catch {
    throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', { int64NotWhole: { input: name } });
  }
}

/** Triton's BYTES layout: per element a u32 little-endian length and the bytes. */
function lengthPrefixed(items: Buffer[]): Buffer {
  const out: Buffer[] = [];
  for (const b of items) {
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32LE(b.length);
    out.push(len, b);
  }
  return Buffer.concat(out);
}

function splitLengthPrefixed(bytes: Buffer, name: string): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < bytes.length; ) {
    if (off + 4 > bytes.length) throw new Error(`output ${name}: BYTES data ends inside an element length`);
    const len = bytes.readUInt32LE(off);
    off += 4;
    if (off + len > bytes.length) throw new Error(`output ${name}: a BYTES element runs past the data`);
    out.push(bytes.subarray(off, off + len));
    off += len;
  }
  return out;
}

/** The raw bytes of an input sent as typed contents (FP16 and BF16 have none: the protocol says raw). */
export function contentsToRaw(datatype: string, contents: TensorContents | null | undefined, name: string): Buffer {
  const layout = LAYOUT[datatype];
  if (!layout) {
    const raw = datatype === 'FP16' || datatype === 'BF16';
    throw new MlsError('MLS_ERR_SERVE_BAD_INPUT', raw ? { rawOnlyDatatype: { input: name, datatype } } : { unknownDatatype: { input: name, datatype } });
  }
  const [field, kind] = layout;
  const values = (contents?.[field] ?? []) as unknown[];
  if (kind === 'bytes') return lengthPrefixed(values as Buffer[]);
  if (kind === 'int64') return Buffer.from(BigInt64Array.from(bigints(values as string[], name)).buffer);
  if (kind === 'uint64') return Buffer.from(BigUint64Array.from(bigints(values as string[], name)).buffer);
  const arr = new kind(values.length);
  for (let i = 0; i < values.length; i++) arr[i] = Number(values[i]);
  return Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
}

/** Raw output bytes as typed contents (for requests that sent typed contents); FP16 stays raw. */
export function rawToContents(datatype: string, bytes: Buffer, name: string): TensorContents | undefined {
  const layout = LAYOUT[datatype];
  if (!layout) return undefined;
  const [field, kind] = layout;
  if (kind === 'bytes') return { [field]: splitLengthPrefixed(bytes, name) };
  // Copied out: the result buffer's offset need not be aligned for the typed array.
  const copy = Uint8Array.prototype.slice.call(bytes);
  if (kind === 'int64') return { [field]: Array.from(new BigInt64Array(copy.buffer), String) };
  if (kind === 'uint64') return { [field]: Array.from(new BigUint64Array(copy.buffer), String) };
  const arr = new kind(copy.buffer);
  return { [field]: datatype === 'BOOL' ? Array.from(arr, Boolean) : Array.from(arr) };
}
