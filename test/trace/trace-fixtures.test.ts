// Traces every fixture model (and the real PaddleOCR classifier) in one run, then checks the
// profiles, the optimized models and the file the next step reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import ort from 'onnxruntime-node';
import { ensureFixtureModels, OCR_CLS_MODEL } from '../../fixtures/index.js';
import { traceModels, type TraceResult } from '../../src/trace/trace-models.js';
import { readProfiles } from '../../src/formats/profiles.js';
import { makeFeeds } from '../../src/trace/feeds.js';
import { planInputs } from '../../src/trace/input-plan.js';
import { loadCatalog } from '../../src/trace/estimate.js';
import { runPack } from '../../src/pack/pack.js';
import { FAST } from './fast.js';

let dir: string;
let result: TraceResult;
let inputs: string[];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlserve-trace-test-'));
  const f = await ensureFixtureModels();
  inputs = [f.identity, f.mlp, f.cnn, f.transformerTiny, f.transformerSmall, OCR_CLS_MODEL];
  result = await traceModels({
    inputs,
    processor: 'cpu',
    batchSize: 4,
    rps: 20,
    shapes: { x: [1, 3, 48, 192] },
    out: join(dir, 'profiles.yaml'),
    writeArchive: false,
    measure: FAST,
  });
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('every fixture model is traced and written to profiles.yaml, readable by the shared reader', async () => {
  assert.deepEqual(result.failures, []);
  assert.equal(result.ok, true);
  const doc = await readProfiles(join(dir, 'profiles.yaml'));
  assert.deepEqual(
    doc.models.map((m) => m.name),
    ['identity', 'mlp', 'cnn', 'transformer-tiny', 'transformer-small', 'ch_ppocr_mobile_v2.0_cls_infer'],
  );
  for (const m of doc.models) {
    assert.deepEqual(Object.keys(m.resources).sort(), ['c5', 'g4dn', 'inf1'], m.name);
    assert.equal(m.resources.c5!.estimated, undefined, 'c5 is measured');
    assert.equal(m.resources.inf1!.estimated, true);
    assert.equal(m.resources.g4dn!.estimated, true);
    assert.ok(m.resources.c5!.memory > 0, `${m.name} memory`);
    assert.ok(m.resources.c5!.util > 0, `${m.name} util`);
    assert.ok(m.latency!.p50Ms! > 0 && m.latency!.p90Ms! >= m.latency!.p50Ms!, `${m.name} latency`);
    const measured = m.measured as { batch: { size: number; p50Ms: number }; host: { cpu: string; threads: number }; maxAbsDiff: number };
    assert.equal(measured.batch.size, 4);
    assert.ok(measured.batch.p50Ms > 0);
    assert.ok(measured.host.cpu.length > 0);
    assert.equal(measured.host.threads, 1);
    assert.ok(measured.maxAbsDiff <= 1e-5);
  }
});

test('util is the busy time per request times the request rate, over 10 ms (percent of one core)', () => {
  for (const p of result.profiles) {
    const busy = (p.measured as { busyMsPerRequest: number }).busyMsPerRequest;
    assert.ok(Math.abs(p.resources.c5!.util - (busy * 20) / 10) <= 0.01 * p.resources.c5!.util + 1e-3, p.name);
  }
});

test("the estimates follow the default catalog's families.<f>.scaling", async () => {
  const catalog = await loadCatalog();
  for (const family of ['inf1', 'g4dn']) {
    const s = catalog.families[family]!.scaling!;
    for (const p of result.profiles) {
      const c5 = p.resources.c5!;
      const est = p.resources[family]!;
      assert.ok(Math.abs(est.memory - c5.memory * s.memoryFactor) <= 1, `${p.name} ${family} memory`);
      assert.ok(Math.abs(est.util - c5.util * s.utilFactor) <= 0.01 * c5.util * s.utilFactor + 1e-3, `${p.name} ${family} util`);
      assert.ok(Math.abs(Number(est.p50Ms) - p.latency!.p50Ms! * (s.latencyFactor ?? 1)) <= 0.001 * p.latency!.p50Ms! + 1e-3, `${p.name} ${family} p50`);
    }
  }
});

test("the saved optimized models give the original's outputs within 1e-5", async () => {
  const opts = { logSeverityLevel: 3 as const };
  for (const [i, p] of result.profiles.entries()) {
    const optimizedPath = resolve(dirname(join(dir, 'profiles.yaml')), (p.measured as { optimizedModel: string }).optimizedModel);
    const original = await ort.InferenceSession.create(inputs[i]!, { ...opts, graphOptimizationLevel: 'disabled' });
    const optimized = await ort.InferenceSession.create(optimizedPath, { ...opts, graphOptimizationLevel: 'disabled' });
    const feeds = makeFeeds(planInputs(p.name, original.inputMetadata, { x: [1, 3, 48, 192] }, undefined, false), 3);
    const want = await original.run(feeds);
    const got = await optimized.run(feeds);
    for (const name of original.outputNames) {
      const a = want[name]!.data as Float32Array;
      const b = got[name]!.data as Float32Array;
      assert.equal(a.length, b.length);
      for (let k = 0; k < a.length; k++) assert.ok(Math.abs(a[k]! - b[k]!) <= 1e-5 + 1e-5 * Math.abs(a[k]!), `${p.name} ${name}[${k}]`);
    }
    await original.release();
    await optimized.release();
  }
});

test("pack reads the profiles and places every traced model", async () => {
  const { plan } = await runPack({ profiles: join(dir, 'profiles.yaml'), maxUtil: 80, objective: 'cost', timeLimitMs: 5000 });
  const placed = plan.instances.flatMap((i) => i.servers.flatMap((s) => s.models.map((m) => m.name))).sort();
  assert.deepEqual(placed, result.profiles.map((p) => p.name).sort());
});

test("memory is the model's own: onnxruntime's one-time start-up is recorded apart", async () => {
  const { parseBytes } = await import('../../src/units.js');
  const identity = result.profiles.find((p) => p.name === 'identity')!;
  const runtime = parseBytes((identity.measured as { memory: { runtimeOnce: string } }).memory.runtimeOnce);
  assert.ok(runtime > 5e6, `runtime start-up ${runtime}`);
  assert.ok(identity.resources.c5!.memory < runtime / 2, `identity adds ${identity.resources.c5!.memory}`);
  const mem = (name: string) => result.profiles.find((p) => p.name === name)!.resources.c5!.memory;
  assert.ok(mem('ch_ppocr_mobile_v2.0_cls_infer') > mem('identity'));
  assert.ok(mem('transformer-small') > mem('transformer-tiny'), `transformer fixtures: ${mem('transformer-tiny')} → ${mem('transformer-small')}`);
});
