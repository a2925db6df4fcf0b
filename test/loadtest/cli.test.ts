// End to end: the built CLI against child-process servers — exit codes, stdout JSON, files written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startChildServer } from './test-servers.js';

test('usage errors carry loadtest codes', async () => {
  const none = await runCli(['loadtest', '--json']);
  assert.equal(none.code, 2);
  assert.equal(JSON.parse(none.stdout).error.code, 'MLS_ERR_LOADTEST_NO_TARGET');
  const slo = await runCli(['loadtest', '--url', 'http://127.0.0.1:9', '--models', 'a', '--slo', 'p101=1ms', '--json']);
  assert.equal(JSON.parse(slo.stdout).error.code, 'MLS_ERR_LOADTEST_BAD_SLO');
  const down = await runCli(['loadtest', '--url', 'http://127.0.0.1:9', '--models', 'a', '--json', '--warmup', '0s']);
  assert.equal(down.code, 5);
  assert.equal(JSON.parse(down.stdout).error.code, 'MLS_ERR_LOADTEST_UNREACHABLE');
});

test('an SLO no level meets exits 1 with MLS_ERR_SLO_NOT_MET, after writing report.json/.csv/.svg', async () => {
  const server = await startChildServer({ delayMs: 15 });
  const dir = await mkdtemp(join(tmpdir(), 'mls-lt-'));
  try {
    const out = join(dir, 'out');
    const r = await runCli(['loadtest', '--url', server.url, '--models', 'm1,m2', '--concurrency', '1,2', '--duration', '400ms', '--warmup', '100ms', '--slo', 'p50=5ms', '--out', out, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const err = JSON.parse(r.stdout).error;
    assert.equal(err.code, 'MLS_ERR_SLO_NOT_MET');
    assert.equal(err.details.levels.length, 1); // stopped at the first level that broke it
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    assert.equal(report.kind, 'LoadtestReport');
    assert.equal(report.knee, undefined);
    assert.ok(report.levels[0].latencyMs.p50 >= 15);
    const csv = await readFile(join(out, 'report.csv'), 'utf8');
    assert.match(csv, /^Concurrency,Inferences\/Second,p50 latency,p90 latency,p95 latency,p99 latency,/);
    assert.equal(csv.trim().split('\n').length, 2);
    const svg = await readFile(join(out, 'report.svg'), 'utf8');
    assert.match(svg, /^<svg/);
    assert.match(svg, /SLO P50 5 ms/);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('deployment.yaml targets, per-model payloads (KServe v2 JSON and a multipart image), sequential and random baselines', async () => {
  const server = await startChildServer({ delayMs: 2 });
  const dir = await mkdtemp(join(tmpdir(), 'mls-lt-'));
  try {
    const deployment = join(dir, 'deployment.yaml');
    await writeFile(
      deployment,
      [
        'apiVersion: mlserve/v1',
        'kind: Deployment',
        'runtime: local',
        'started: true',
        'servers:',
        '  - name: s0',
        `    inference: ${server.url}`,
        '    models:',
        `      - { name: vec, url: ${server.url}/predictions/vec }`,
        `      - { name: img, url: ${server.url}/predictions/img }`,
        `      - { name: other, url: ${server.url}/predictions/other }`,
      ].join('\n'),
    );
    const payloads = join(dir, 'payloads');
    await mkdir(payloads);
    await writeFile(join(payloads, 'vec.json'), JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }));
    await writeFile(join(payloads, 'img.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const seq = await runCli(['loadtest', '--deployment', deployment, '--models', 'vec,img', '--mode', 'sequential', '--payload-dir', payloads, '--duration', '500ms', '--warmup', '0s', '--out', join(dir, 'seq'), '--json']);
    assert.equal(seq.code, 0, seq.stderr);
    const report = JSON.parse(seq.stdout);
    assert.equal(report.mode, 'sequential');
    assert.deepEqual(report.models.map((m: { payload: string }) => m.payload), ['kserve-v2', 'multipart']);
    const level = report.levels[0];
    assert.equal(level.connections, 1);
    const counts = level.models.map((m: { ok: number }) => m.ok);
    assert.ok(Math.abs(counts[0] - counts[1]) <= 1 && counts[0] > 5, `in turn: ${counts}`);
    for (const m of level.models) assert.ok(m.latencyMs.min >= 1 && m.latencyMs.max >= m.latencyMs.min, JSON.stringify(m.latencyMs));
    const stats = await server.stats();
    assert.ok(stats.kinds['v2 application/json']! >= counts[0], JSON.stringify(stats.kinds));
    assert.ok(stats.kinds['predictions multipart/form-data']! >= counts[1], JSON.stringify(stats.kinds));
    assert.equal(stats.byModel.other, undefined);

    const missing = await runCli(['loadtest', '--deployment', deployment, '--payload-dir', payloads, '--json']);
    assert.equal(JSON.parse(missing.stdout).error.code, 'MLS_ERR_LOADTEST_PAYLOAD_MISSING');
    const unknown = await runCli(['loadtest', '--deployment', deployment, '--models', 'nope', '--json']);
    assert.equal(JSON.parse(unknown.stdout).error.code, 'MLS_ERR_LOADTEST_UNKNOWN_MODEL');

    const rnd = await runCli(['loadtest', '--deployment', deployment, '--mode', 'random', '--seed', '3', '--duration', '500ms', '--warmup', '0s', '--out', join(dir, 'rnd')]);
    assert.equal(rnd.code, 0, rnd.stderr);
    assert.match(rnd.stdout, /random baseline/);
    for (const m of ['vec', 'img', 'other']) assert.match(rnd.stdout, new RegExp(`^${m} `, 'm'));
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
