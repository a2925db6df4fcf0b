// Input planning, --shape, --example and the feeds built from them (no model is run here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InferenceSession } from 'onnxruntime-node';
import { parseShapeArg, planInputs, effectiveBatch } from '../../src/trace/input-plan.js';
import { parseExample } from '../../src/trace/example-file.js';
import { makeFeeds } from '../../src/trace/feeds.js';
import { isMlsError } from '../../src/errors.js';

const meta = (name: string, type: string, shape: Array<number | string>): InferenceSession.ValueMetadata =>
  ({ name, isTensor: true, type, shape }) as unknown as InferenceSession.ValueMetadata;

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isMlsError(e), String(e));
    return e.code;
  }
  return 'no error';
}

test('--shape parses name=dims and refuses anything else', () => {
  assert.deepEqual(parseShapeArg('x=1x3x48x192'), ['x', [1, 3, 48, 192]]);
  assert.deepEqual(parseShapeArg('input_ids=1x128'), ['input_ids', [1, 128]]);
  for (const bad of ['x', 'x=', 'x=1x0', 'x=1x-3', '=1x2', 'x=1,2']) assert.equal(code(() => parseShapeArg(bad)), 'MLS_ERR_TRACE_BAD_SHAPE', bad);
});

test('a leading free dimension is the batch; other free dimensions need --shape', () => {
  const plans = planInputs('m', [meta('input', 'float32', ['N', 4])], {}, undefined);
  assert.deepEqual(plans, [{ name: 'input', type: 'float32', shape: [1, 4], batched: true }]);
  assert.equal(effectiveBatch(plans, 8), 8);
  const ocr = [meta('x', 'float32', ['p2o.DynamicDimension.0', 3, 'p2o.DynamicDimension.1', 'p2o.DynamicDimension.2'])];
  assert.equal(code(() => planInputs('ocr', ocr, {}, undefined)), 'MLS_ERR_TRACE_FREE_DIMS');
  // The user's leading dimension is replaced by 1: latency is measured at batch 1 and at --batch-size.
  assert.deepEqual(planInputs('ocr', ocr, { x: [4, 3, 48, 192] }, undefined)[0]!.shape, [1, 3, 48, 192]);
  assert.equal(code(() => planInputs('ocr', ocr, { x: [1, 4, 48, 192] }, undefined)), 'MLS_ERR_TRACE_BAD_SHAPE');
  assert.equal(code(() => planInputs('ocr', ocr, { x: [1, 3, 48] }, undefined)), 'MLS_ERR_TRACE_BAD_SHAPE');
  assert.equal(code(() => planInputs('ocr', ocr, { y: [1, 3, 48, 192] }, undefined)), 'MLS_ERR_TRACE_BAD_SHAPE');
  // With many models a --shape naming another model's input is skipped, not an error.
  assert.equal(code(() => planInputs('m', [meta('input', 'float32', ['N', 4])], { x: [1, 2] }, undefined, false)), 'no error');
});

test('a fixed leading dimension means no batching; unsupported input types are coded errors', () => {
  const plans = planInputs('m', [meta('a', 'float32', [1, 4]), meta('b', 'int64', ['N', 4])], {}, undefined);
  assert.equal(effectiveBatch(plans, 8), 1);
  assert.equal(code(() => planInputs('m', [meta('s', 'string', ['N'])], {}, undefined)), 'MLS_ERR_TRACE_UNSUPPORTED_INPUT');
});

test('--example accepts nested arrays, {dims, data} and KServe v2 requests, and checks them', () => {
  assert.deepEqual(parseExample('e.json', '{"input": [[1, 2], [3, 4]]}'), { input: { dims: [2, 2], data: [1, 2, 3, 4] } });
  assert.deepEqual(parseExample('e.json', '{"input": {"dims": [1, 3], "data": [1, 2, 3]}}'), { input: { dims: [1, 3], data: [1, 2, 3] } });
  const v2 = '{"inputs": [{"name": "ids", "shape": [1, 2], "datatype": "INT64", "data": [5, 6]}]}';
  assert.deepEqual(parseExample('e.json', v2), { ids: { dims: [1, 2], data: [5, 6] } });
  for (const bad of ['nope', '[]', '{}', '{"input": [[1], [2, 3]]}', '{"input": {"dims": [2, 2], "data": [1]}}', '{"input": [["a"]]}']) {
    assert.equal(code(() => parseExample('e.json', bad)), 'MLS_ERR_TRACE_BAD_EXAMPLE', bad);
  }
  // An example fixes free dimensions; its input names must be the model's.
  const ex = parseExample('e.json', '{"x": {"dims": [1, 3, 2, 2], "data": [0,1,2,3,4,5,6,7,8,9,10,11]}}');
  const ocr = [meta('x', 'float32', ['N', 3, 'H', 'W'])];
  assert.deepEqual(planInputs('ocr', ocr, {}, ex)[0]!.shape, [1, 3, 2, 2]);
  assert.equal(code(() => planInputs('m', [meta('input', 'float32', ['N', 4])], {}, ex)), 'MLS_ERR_TRACE_BAD_EXAMPLE');
});

test('feeds: deterministic generated values, example rows repeated up to the batch size', () => {
  const plans = planInputs('m', [meta('input', 'float32', ['N', 4]), meta('ids', 'int64', ['N', 3])], {}, undefined);
  const a = makeFeeds(plans, 2);
  const b = makeFeeds(plans, 2);
  assert.deepEqual(a.input!.dims, [2, 4]);
  assert.deepEqual([...(a.input!.data as Float32Array)], [...(b.input!.data as Float32Array)]);
  assert.ok([...(a.input!.data as Float32Array)].every((v) => v >= 0 && v < 1));
  assert.ok([...(a.ids!.data as BigInt64Array)].every((v) => v === 0n || v === 1n));
  const ex = parseExample('e.json', '{"input": [[1, 2, 3, 4], [5, 6, 7, 8]]}');
  const fed = makeFeeds(planInputs('m', [meta('input', 'float32', ['N', 4])], {}, ex), 3).input!;
  assert.deepEqual(fed.dims, [3, 4]);
  assert.deepEqual([...(fed.data as Float32Array)], [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4]);
});
