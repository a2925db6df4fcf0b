// The typed-array codecs of the data path: JSON text written straight from typed arrays must be
// what JSON.stringify(toNested(t)) gives, raw bytes must round trip, and batches of raw bodies
// that lie back to back (as they do in an infer frame) must join without a copy.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { concatBatch, fromBytes, fromNested, splitBatch, toBytes, toHalf, toNested, type PlainTensor } from '../../src/serve/handlers/tensors.js';
import { tensorBytes, tensorJson, JsonText, TensorBytes } from '../../src/serve/handlers/tensor-json.js';
import { renderOutputs } from '../../src/serve/handlers/base-handler.js';
import { decodeInfer, encodeInfer } from '../../src/serve/ipc/messages.js';

const cases: PlainTensor[] = [
  { type: 'float32', data: Float32Array.from([0.1, -0, NaN, Infinity, -Infinity, 3.4e38, 1e-45]), dims: [7] },
  { type: 'float64', data: Float64Array.from([0.1, 1 / 3, -1e300, NaN]), dims: [2, 2] },
  // halves: max (65504), overflow to ∞, NaN, smallest subnormal, a value that rounds
  { type: 'float16', data: Uint16Array.from([65504, 70000, NaN, 2 ** -24, 0.1, -2].map(toHalf)), dims: [3, 2] },
  { type: 'int64', data: BigInt64Array.from([0n, -1n, 2n ** 53n, -(2n ** 62n)]), dims: [4] },
  { type: 'uint64', data: BigUint64Array.from([0n, 2n ** 64n - 1n]), dims: [1, 2] },
  { type: 'bool', data: Uint8Array.from([1, 0, 1]), dims: [3] },
  { type: 'int8', data: Int8Array.from([-128, 127]), dims: [2] },
  { type: 'uint8', data: Uint8Array.from([0, 255]), dims: [2, 1] },
  { type: 'string', data: ['a"b', 'é\n', ''], dims: [3] },
  { type: 'float32', data: new Float32Array(0), dims: [0, 4] },
  { type: 'float32', data: Float32Array.from([2.5]), dims: [] },
];

describe('tensor codecs', () => {
  it('writes JSON text equal to JSON.stringify of the nested arrays, for every dtype and edge value', () => {
    for (const t of cases) assert.equal(tensorJson(t), JSON.stringify(toNested(t)), `${t.type} [${t.dims.join(',')}]`);
  });

  it('reads back what it wrote: float16 bits, bools, and 64-bit integers within 2^53', () => {
    const halves: PlainTensor = { type: 'float16', data: Uint16Array.from([65504, 1 / 3, 2 ** -24, 0.1, -2, 1].map(toHalf)), dims: [2, 3] };
    for (const t of [halves, ...cases.filter((c) => ['bool', 'int8', 'uint8', 'string'].includes(c.type))]) {
      const back = fromNested(JSON.parse(tensorJson(t)), t.type, 'x');
      assert.deepEqual(back.dims, t.dims);
      assert.deepEqual([...back.data], t.type === 'bool' ? [1, 0, 1] : [...t.data], t.type);
    }
    const ids = fromNested(JSON.parse(tensorJson({ type: 'int64', data: BigInt64Array.from([-5n, 2n ** 53n]), dims: [2] })), 'int64', 'ids');
    assert.deepEqual([...ids.data], [-5n, 2n ** 53n]);
  });

  it('round trips raw bytes for every numeric dtype, aligned (a view) or not (a copy)', () => {
    for (const t of cases.filter((c) => c.type !== 'string' && c.dims.length > 0)) {
      const bytes = toBytes(t);
      const inner = t.dims.slice(1);
      const aligned = fromBytes(bytes, t.type, inner, 'x');
      assert.deepEqual(aligned.dims, t.dims);
      assert.deepEqual([...aligned.data], [...t.data]);
      const odd = Buffer.alloc(bytes.length + 1);
      bytes.copy(odd, 1);
      const shifted = fromBytes(odd.subarray(1), t.type, inner, 'x');
      assert.deepEqual([...shifted.data], [...t.data], `${t.type} from an odd offset`);
    }
    const body = Buffer.from(Float32Array.from([1, 2, 3, 4]).buffer);
    const view = fromBytes(body, 'float32', [4], 'x');
    assert.equal((view.data as Float32Array).buffer, body.buffer, 'an aligned body is used in place');
  });

  it('joins raw bodies that lie back to back in an infer frame without copying, others by copy', () => {
    const rows = [Float32Array.from([1, 2]), Float32Array.from([3, 4]), Float32Array.from([5, 6])];
    const { header, payload } = encodeInfer([{ modelKey: 'm/1', items: rows.map((r) => ({ parts: [{ name: 'body', contentType: 'application/octet-stream', body: Buffer.from(r.buffer) }] })) }]);
    const aligned = Buffer.concat(payload);
    const items = decodeInfer(JSON.parse(JSON.stringify(header)), aligned)[0]!.items;
    const parts = items.map((it) => fromBytes(it.parts[0]!.body, 'float32', [2], 'x'));
    const joined = concatBatch(parts)!;
    assert.deepEqual(joined.dims, [3, 2]);
    assert.deepEqual([...joined.data], [1, 2, 3, 4, 5, 6]);
    assert.equal((joined.data as Float32Array).buffer, aligned.buffer, 'adjacent rows become one view');
    // Out of order or from different buffers: a copy, with the rows in the order given.
    const shuffled = concatBatch([parts[2]!, parts[0]!])!;
    assert.deepEqual([...shuffled.data], [5, 6, 1, 2]);
    assert.notEqual((shuffled.data as Float32Array).buffer, aligned.buffer);
    const [a, b] = splitBatch(joined, [1, 2]);
    assert.deepEqual([...a!.data], [1, 2]);
    assert.deepEqual(b!.dims, [2, 2]);
  });

  it('renders base_handler answers as JSON text, or raw bytes with name, dtype and shape headers', () => {
    const out: Record<string, PlainTensor> = { probs: { type: 'float32', data: Float32Array.from([0.25, 0.75]), dims: [1, 2] }, ids: { type: 'int64', data: BigInt64Array.from([7n]), dims: [1] } };
    const json = renderOutputs(out, false);
    assert.ok(json instanceof JsonText);
    assert.deepEqual(JSON.parse(json.text), { probs: [[0.25, 0.75]], ids: [7] });
    assert.deepEqual(JSON.parse((renderOutputs(out, true) as JsonText).text), { probs: [0.25, 0.75], ids: 7 });
    const raw = renderOutputs(out, false, true);
    assert.ok(raw instanceof TensorBytes);
    assert.deepEqual(raw.headers, { 'x-tensor-name': 'probs,ids', 'x-tensor-dtype': 'float32,int64', 'x-tensor-shape': '1,2;1' });
    assert.equal(raw.body.length, 8 + 8);
    assert.deepEqual([...new Float32Array(raw.body.buffer.slice(raw.body.byteOffset, raw.body.byteOffset + 8))], [0.25, 0.75]);
    assert.equal(raw.body.readBigInt64LE(8), 7n);
    assert.equal(tensorBytes([['s', { type: 'float32', data: Float32Array.from([1]), dims: [] }]]).headers['x-tensor-shape'], '');
  });

  it('still names the element of a refused tensor', () => {
    assert.throws(() => fromNested([[1, 2], [3, null]], 'float32', 'x'), /x\[1\]\[1\]: expected a number, got null/);
    assert.throws(() => fromNested([[1], [2, 3]], 'int64', 'ids'), /ids\[1\]: ragged/);
    assert.throws(() => fromNested(['a', 1], 'string', 's'), /s\[1\]: expected a string/);
  });
});
