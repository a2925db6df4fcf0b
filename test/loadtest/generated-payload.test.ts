// Requests without a payload file: built from each model's /v2/models/{m} inputs (seeded), and a
// run where every request fails stops at once and says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { payloadFromMetadata } from '../../src/loadtest/generated-payload.js';
import { runCli } from '../helpers/cli.js';
import { startChildServer, startTestServer } from './test-servers.js';
import { runLoadtest } from '../../src/loadtest/run-loadtest.js';
import { modelRequest } from '../../src/loadtest/targets.js';
import { EMPTY_PAYLOAD } from '../../src/loadtest/payloads.js';

test('payloadFromMetadata: free dimensions as 1, the datatype of each input, the same seed the same body', () => {
  const inputs = [
    { name: 'ids', datatype: 'INT64', shape: [-1, 6] },
    { name: 'x', datatype: 'FP32', shape: [1, 3, -1, -1] },
    { name: 'flag', datatype: 'BOOL', shape: [2] },
  ];
  const a = payloadFromMetadata('m', inputs, 7);
  assert.equal(a.kind, 'kserve-v2');
  const doc = JSON.parse(a.body.toString()) as { inputs: Array<{ name: string; shape: number[]; datatype: string; data: unknown[] }> };
  assert.deepEqual(doc.inputs.map((t) => [t.name, t.datatype, t.shape, t.data.length]), [
    ['ids', 'INT64', [1, 6], 6],
    ['x', 'FP32', [1, 3, 1, 1], 3],
    ['flag', 'BOOL', [2], 2],
  ]);
  assert.ok(doc.inputs[0]!.data.every((v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 8));
  assert.ok(doc.inputs[2]!.data.every((v) => typeof v === 'boolean'));
  assert.deepEqual(payloadFromMetadata('m', inputs, 7).body, a.body);
  assert.notDeepEqual(payloadFromMetadata('m', inputs, 8).body, a.body);
  assert.throws(() => payloadFromMetadata('m', [], 1), { code: 'MLS_ERR_LOADTEST_NO_METADATA' });
  assert.throws(() => payloadFromMetadata('m', [{ name: 's', datatype: 'COMPLEX', shape: [1] }], 1), { code: 'MLS_ERR_LOADTEST_NO_METADATA' });
});

test('no payload: --url with --models all sends v2 requests built from each model\'s metadata; sequential writes report.svg', async () => {
  const server = await startChildServer({ delayMs: 1, models: ['m1', 'm2'] });
  const dir = await mkdtemp(join(tmpdir(), 'mls-ltgen-'));
  try {
    const out = join(dir, 'out');
    const r = await runCli(['loadtest', '--url', server.url, '--models', 'all', '--mode', 'sequential', '--duration', '300ms', '--warmup', '0s', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.ok, true);
    assert.deepEqual(report.models.map((m: { name: string; payload: string }) => [m.name, m.payload]), [['m1', 'kserve-v2'], ['m2', 'kserve-v2']]);
    const stats = await server.stats();
    assert.ok(stats.byModel.m1! > 0 && stats.byModel.m2! > 0, JSON.stringify(stats.byModel));
    assert.equal(Object.keys(stats.kinds).filter((k) => !k.startsWith('v2 ') && k !== '__stats none').length, 0, JSON.stringify(stats.kinds));
    assert.match(await readFile(join(out, 'report.svg'), 'utf8'), /^<svg/);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('every response an error: the run stops after the warmup, exit 1 MLS_ERR_LOADTEST_ALL_ERRORS with the server\'s answer, on stderr too', async () => {
  const server = await startChildServer({ failEvery: 1, failStatus: 400 });
  const dir = await mkdtemp(join(tmpdir(), 'mls-ltgen-'));
  try {
    const out = join(dir, 'out');
    const args = ['loadtest', '--url', server.url, '--models', 'm1', '--concurrency', '1,2,4', '--duration', '5s', '--warmup', '200ms', '--out', out];
    const text = await runCli(args);
    assert.equal(text.code, 1);
    assert.match(text.stderr, /MLS_ERR_LOADTEST_ALL_ERRORS: every request failed at the warmup \(\d+ × 400\); m1 answered 400/);
    const json = await runCli([...args, '--json']);
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.ok, false);
    assert.equal(doc.error.code, 'MLS_ERR_LOADTEST_ALL_ERRORS');
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    assert.equal(report.stopReason, 'all-errors');
    assert.equal(report.levels.length, 0); // no 5 s level was run
    assert.equal(report.failure.sample.status, 400);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a level where every request fails after levels that succeeded ends the sweep with a warning, not a failed run', async () => {
  // The first 5 requests succeed, every later one is refused: level 1 has successes, level 2 none.
  const server = await startTestServer({ status: (i) => (i <= 5 ? 200 : 503) });
  try {
    const targets = [modelRequest({ model: 'm', inference: server.url, predictUrl: `${server.url}/predictions/m` }, EMPTY_PAYLOAD)];
    const report = await runLoadtest({ mode: 'sweep', targets, concurrency: [1, 2, 4], durationMs: 300, warmupMs: 0, timeoutMs: 5000, plateauSteps: 2, minGain: 0.05, seed: 1 });
    assert.equal(report.stopReason, 'all-errors');
    assert.equal(report.failure, undefined);
    assert.deepEqual(report.levels.map((l) => l.concurrency), [1, 2]);
    assert.ok(report.levels[0]!.ok === 5 && report.levels[1]!.ok === 0);
    assert.equal(report.knee?.concurrency, 1);
    assert.match(report.warnings.join('\n'), /every request failed at concurrency 2 \(\d+ × 503\); m answered 503/);
  } finally {
    await server.close();
  }
});
