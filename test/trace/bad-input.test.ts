// Every kind of bad input gets its code and names the model; one bad model never loses the
// others' profiles (they are written, the exit code is non-zero).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFixtureModels, OCR_CLS_MODEL } from '../../fixtures/index.js';
import { traceModels, type TraceOptions } from '../../src/trace/trace-models.js';
import { optimizeModel } from '../../src/trace/optimize.js';
import { readProfiles } from '../../src/formats/profiles.js';
import { isMlsError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { mlp, freeDimModel } from './onnx-builders.js';
import { FAST } from './fast.js';

let dir: string;
let paths: Record<string, string>;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlserve-trace-bad-'));
  const f = await ensureFixtureModels();
  paths = { identity: f.identity, mlp: f.mlp, nan: f.nan, notOnnx: join(dir, 'notes.onnx'), opset: join(dir, 'future.onnx'), free: join(dir, 'free.onnx') };
  await writeFile(paths.notOnnx!, 'this is a text file, not a model\n');
  await writeFile(paths.opset!, mlp({ opset: 30 }));
  await writeFile(paths.free!, freeDimModel());
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = (inputs: string[], out: string, extra: Partial<TraceOptions> = {}): TraceOptions => ({
  inputs,
  processor: 'cpu',
  batchSize: 2,
  rps: 10,
  shapes: {},
  out: join(dir, out),
  writeArchive: false,
  measure: FAST,
  ...extra,
});

test('each bad model gets its code, named; the good ones are still profiled and written', async () => {
  const inputs = [paths.identity!, paths.notOnnx!, paths.opset!, paths.free!, paths.nan!, paths.mlp!, join(dir, 'missing.onnx')];
  const r = await traceModels(options(inputs, 'mixed.yaml'));
  assert.equal(r.ok, false);
  assert.deepEqual(
    r.failures.map((f) => [f.model, f.code]),
    [
      ['notes', 'MLS_ERR_TRACE_NOT_ONNX'],
      ['future', 'MLS_ERR_TRACE_UNSUPPORTED_OPSET'],
      ['free', 'MLS_ERR_TRACE_FREE_DIMS'],
      ['nan', 'MLS_ERR_TRACE_NON_FINITE'],
      [undefined, 'MLS_ERR_FILE_NOT_FOUND'],
    ],
  );
  for (const f of r.failures.slice(0, 4)) assert.ok(f.message.startsWith(`${f.model}:`), f.message);
  const doc = await readProfiles(join(dir, 'mixed.yaml'));
  assert.deepEqual(doc.models.map((m) => m.name), ['identity', 'mlp']);
});

test('--shape fixes the free dimension; the same model then traces', async () => {
  const r = await traceModels(options([paths.free!], 'free.yaml', { shapes: { input: [1, 5] } }));
  assert.deepEqual(r.failures, []);
  assert.equal(r.profiles[0]!.name, 'free');
});

test('with several models, a --shape naming no traced input is a warning, not silently dropped', async () => {
  const r = await traceModels(options([OCR_CLS_MODEL, paths.free!], 'warn.yaml', { shapes: { x: [1, 3, 48, 192], input: [1, 5], inptu: [1, 4] } }));
  assert.deepEqual(r.failures, []);
  assert.deepEqual(r.warnings, ['--shape inptu: no traced model has an input named "inptu"']);
});

test('two inputs giving the same model name: the second is refused', async () => {
  const r = await traceModels(options([paths.identity!, paths.identity!], 'dup.yaml'));
  assert.deepEqual(r.failures.map((f) => f.code), ['MLS_ERR_TRACE_DUPLICATE_NAME']);
  assert.equal(r.profiles.length, 1);
});

test('a measuring process that does not finish in time is a coded failure of that model', async () => {
  const r = await traceModels(options([paths.mlp!], 'slow.yaml', { measure: { ...FAST, timeoutMs: 50 } }));
  assert.deepEqual(r.failures.map((f) => [f.model, f.code, f.exitCode]), [['mlp', 'MLS_ERR_TRACE_TIMEOUT', 6]]);
  assert.match(r.failures[0]!.message, /timed out/);
});

test('an optimized model that drifts beyond the tolerance is refused', async () => {
  // Fusions change float rounding slightly (≈ 4e-7 on this model): a tolerance of 1e-12 catches it.
  await assert.rejects(
    optimizeModel({
      model: 'ocr',
      modelPath: OCR_CLS_MODEL,
      optimizedPath: join(dir, 'ocr-opt.onnx'),
      processor: 'cpu',
      batchSize: 1,
      shapes: { x: [1, 3, 48, 192] },
      strictNames: true,
      threads: 1,
      tolerance: 1e-12,
    }),
    (e) => isMlsError(e) && e.code === 'MLS_ERR_TRACE_OPTIMIZED_MISMATCH',
  );
});

test('a missing catalog or a bad --example stops the run before any model', async () => {
  await assert.rejects(traceModels(options([paths.identity!], 'c.yaml', { catalogPath: join(dir, 'no-catalog.yaml') })), (e) => isMlsError(e) && e.code === 'MLS_ERR_TRACE_CATALOG');
  const example = join(dir, 'example.json');
  await writeFile(example, '{"input": [[1, 2], [3]]}');
  await assert.rejects(traceModels(options([paths.identity!], 'e.yaml', { examplePath: example })), (e) => isMlsError(e) && e.code === 'MLS_ERR_TRACE_BAD_EXAMPLE');
});

test('CLI: one bad model → its code as JSON and exit 3; mixed → profiles written, result JSON, exit non-zero', async () => {
  const one = await runCli(['trace', paths.nan!, '--out', join(dir, 'cli1.yaml'), '--duration', '100ms', '--json']);
  assert.equal(one.code, 3, one.stderr);
  const err = JSON.parse(one.stdout) as { ok: boolean; error: { code: string; message: string; details: { model: string } } };
  assert.equal(err.error.code, 'MLS_ERR_TRACE_NON_FINITE');
  assert.equal(err.error.details.model, 'nan');

  const mixed = await runCli(['trace', paths.identity!, paths.notOnnx!, '--out', join(dir, 'cli2.yaml'), '--duration', '100ms', '--batch-size', '2', '--json']);
  assert.equal(mixed.code, 3, mixed.stderr);
  const doc = JSON.parse(mixed.stdout) as { ok: boolean; error: { code: string; exitCode: number }; profiles: Array<{ name: string }>; failures: Array<{ code: string }> };
  assert.equal(doc.ok, false);
  assert.deepEqual([doc.error.code, doc.error.exitCode], ['MLS_ERR_TRACE_NOT_ONNX', 3]); // a failure document, as every command's
  assert.deepEqual(doc.profiles.map((p) => p.name), ['identity']);
  assert.deepEqual(doc.failures.map((f) => f.code), ['MLS_ERR_TRACE_NOT_ONNX']);
  assert.match(mixed.stderr, /\[trace\] identity done/);
  assert.deepEqual((await readProfiles(join(dir, 'cli2.yaml'))).models.map((m) => m.name), ['identity']);

  const usage = await runCli(['trace', paths.identity!, '--shape', 'input=1xq']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /MLS_ERR_TRACE_BAD_SHAPE/);
});
