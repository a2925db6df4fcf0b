// pipeline --loop on two models that share one processor when they share a server: the handler
// holds a lock named after its server process for 60 ms per request (a device that runs one
// request at a time), so each model alone serves ~16 req/s, and two models on one server share
// those 16. Calibrated alone, each looks like util 37.5% at 6 req/s; pack (c5.large, maxUtil 45%
// of 2 vCPUs = 90) puts both on one server, where their requests collide and p90 doubles past the
// SLO. Verification names them, the loop derates them (util ×1.25 → 47% each, 94 > 90), packs
// them apart, deploys, and the second round verifies: the loop converges in two rounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { ensureFixtureModels } from '../../fixtures/index.js';
import { readPlan } from '../../src/formats/plan.js';
import { readProfiles } from '../../src/formats/profiles.js';

const deviceHandler = (lockDir: string): string => `
const { mkdirSync, rmdirSync } = require('node:fs');
const lock = ${JSON.stringify(lockDir)} + '/device-' + process.ppid;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
exports.handle = async function handle(requests) {
  for (;;) {
    try { mkdirSync(lock); break; } catch { await sleep(1); }
  }
  try { await sleep(60); } finally { rmdirSync(lock); }
  return requests.map(() => ({ ok: true }));
};
`;

test('pipeline --loop: co-located models miss the SLO, are derated, packed apart, and verify in round 2', { timeout: 300_000 }, async () => {
  const fx = await ensureFixtureModels();
  const dir = await mkdtemp(join(tmpdir(), 'mls-loop-'));
  await writeFile(join(dir, 'device.js'), deviceHandler(dir));
  const cfg = join(dir, 'mlserve.yaml');
  await writeFile(
    cfg,
    `apiVersion: mlserve/v1
kind: Pipeline
name: loop
output: out
models:
  - { name: a, file: ${JSON.stringify(fx.identity)}, handler: device.js }
  - { name: b, file: ${JSON.stringify(fx.identity)}, handler: device.js }
trace: { processor: cpu, batchSize: 1, rps: 6 }
calibrate: { slo: p90=2s, batchSizes: [1], workers: [1], concurrency: [1, 2], duration: 800ms, warmup: 200ms }
pack: { maxMem: 7.4GB, maxUtil: 45, instanceTypes: [c5.large], timeLimit: 5s }
deploy: { runtime: local }
loadtest: { mode: sweep, concurrency: [1], duration: 300ms, warmup: 0s }
verify: { slo: p90=100ms, duration: 2s, warmup: 300ms }
`,
  );
  const r = await runCli(['pipeline', '-f', cfg, '--loop', '3', '--json'], { timeoutMs: 280_000 });
  const summary = JSON.parse(r.stdout) as { ok: boolean; loopStop?: string; rounds?: Array<{ round: number; instances: number; costPerHour: number; verified: boolean; failed: string[] }> };
  assert.equal(r.code, 0, `${r.stderr.slice(-3000)}\n${r.stdout.slice(0, 3000)}`);
  assert.equal(summary.ok, true);
  assert.equal(summary.loopStop, 'verified');
  const rounds = summary.rounds!;
  assert.equal(rounds.length, 2, JSON.stringify(rounds));
  assert.equal(rounds[0]!.instances, 1);
  assert.equal(rounds[0]!.verified, false);
  assert.ok(rounds[0]!.failed.length >= 1 && rounds[0]!.failed.every((k) => /\/(a|b)$/.test(k)), JSON.stringify(rounds[0]));
  assert.equal(rounds[1]!.instances, 2);
  assert.equal(rounds[1]!.verified, true);
  assert.ok(rounds[1]!.costPerHour > rounds[0]!.costPerHour);

  const profiles = await readProfiles(join(dir, 'out', 'profiles-calibrated.yaml'));
  for (const p of profiles.models) assert.ok(p.measured?.capacity! > 12 && p.measured?.capacity! < 18, `${p.name}: ${p.measured?.capacity}`);
  const plan = await readPlan(join(dir, 'out', 'plan.yaml'));
  assert.deepEqual(plan.instances.flatMap((i) => i.servers.flatMap((s) => s.models.map((m) => [m.basis, m.rps]))), [['calibrated', 6], ['calibrated', 6]]);
});
