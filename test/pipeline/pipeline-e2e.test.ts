// The whole pipeline through the CLI, as CI would run it: archive → trace → pack → deploy (local)
// → loadtest → down, then a re-run that skips unchanged steps, then a failing step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, readFile, mkdir, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { ensureFixtureModels } from '../../fixtures/index.js';
import { readProfiles } from '../../src/formats/profiles.js';
import { readPlan } from '../../src/formats/plan.js';
import { readDeployment } from '../../src/formats/deployment.js';
import { isProcessAlive as alive } from '../../src/process-alive.js';

interface Summary {
  ok: boolean;
  steps: Array<{ name: string; status: string; error?: { code: string } }>;
  error?: { code: string };
}

function configText(models: Record<string, string>, maxMem = '7.4GB', types = 'c5.xlarge, c5.2xlarge, inf1.xlarge'): string {
  return `apiVersion: mlserve/v1
kind: Pipeline
name: e2e
output: out
models:
${Object.entries(models).map(([name, file]) => `  - { name: ${name}, file: ${JSON.stringify(file)}, handler: base_handler }`).join('\n')}
trace: { processor: cpu, batchSize: 2, rps: 10 }
pack: { maxMem: ${maxMem}, maxUtil: 83, instanceTypes: [${types}], timeLimit: 10s }
deploy: { runtime: local }
loadtest: { mode: sweep, concurrency: [1, 2], duration: 1s, warmup: 200ms, slo: p90=2s, payloadDir: payloads }
`;
}

test('the example pipeline runs end to end, skips unchanged steps, and stops at a failing step', { timeout: 240_000 }, async () => {
  const fx = await ensureFixtureModels();
  const dir = await mkdtemp(join(tmpdir(), 'mls-pipe-'));
  await mkdir(join(dir, 'payloads'));
  await writeFile(join(dir, 'payloads', 'identity.json'), '[1, 2, 3, 4]');
  await writeFile(join(dir, 'payloads', 'mlp.json'), JSON.stringify(Array.from({ length: 16 }, (_, i) => i / 16)));
  const models = { identity: fx.identity, mlp: fx.mlp };
  const cfgPath = join(dir, 'mlserve.yaml');
  await writeFile(cfgPath, configText(models));

  const first = await runCli(['pipeline', '-f', cfgPath, '--json'], { timeoutMs: 200_000 });
  assert.equal(first.code, 0, first.stderr);
  const s1 = JSON.parse(first.stdout) as Summary;
  assert.equal(s1.ok, true);
  assert.deepEqual(s1.steps.map((s) => [s.name, s.status]), [
    ['archive', 'done'],
    ['trace', 'done'],
    ['pack', 'done'],
    ['deploy', 'done'],
    ['loadtest', 'done'],
    ['down', 'done'],
  ]);

  const out = join(dir, 'out');
  for (const m of Object.keys(models)) assert.ok(existsSync(join(out, 'model_store', `${m}.mar`)), `${m}.mar`);
  const profiles = await readProfiles(join(out, 'profiles.yaml'));
  assert.deepEqual(profiles.models.map((m) => m.name).sort(), ['identity', 'mlp']);
  const plan = await readPlan(join(out, 'plan.yaml'));
  assert.equal(plan.totals.models, 2);
  assert.match(await readFile(join(out, 'plan.svg'), 'utf8'), /<svg/);
  const deployment = await readDeployment(join(out, 'deploy', 'deployment.yaml'));
  const pids = deployment.servers.map((s) => Number(s.handle?.pid));
  assert.ok(pids.length > 0 && pids.every((p) => p > 0));
  assert.ok(pids.every((p) => !alive(p)), 'servers are stopped at the end');
  const report = JSON.parse(await readFile(join(out, 'loadtest', 'report.json'), 'utf8')) as { levels: Array<{ ok: number }> };
  assert.ok(report.levels.length >= 1 && report.levels.every((l) => l.ok > 0), 'every level got answers');
  assert.ok(existsSync(join(out, 'loadtest', 'report.csv')));
  assert.ok(existsSync(join(out, 'pipeline-summary.json')));

  // Unchanged inputs: archive, trace and pack are skipped; the servers run again for the test.
  const second = await runCli(['pipeline', '-f', cfgPath, '--json', '--to', 'pack'], { timeoutMs: 60_000 });
  assert.equal(second.code, 0, second.stderr);
  const s2 = JSON.parse(second.stdout) as Summary;
  assert.deepEqual(s2.steps.slice(0, 3).map((s) => s.status), ['skipped', 'skipped', 'skipped']);

  // A failing step: pack cannot place a model under a 1KB cap on inf1 (c5 is a CPU family: its
  // models use host memory, so --max-mem does not bind it). The run stops there with pack's
  // code and exit code, and the earlier outputs are left as they were.
  const profilesBefore = await stat(join(out, 'profiles.yaml'));
  await writeFile(cfgPath, configText(models, '1KB', 'inf1.xlarge'));
  const third = await runCli(['pipeline', '-f', cfgPath, '--json'], { timeoutMs: 60_000 });
  assert.equal(third.code, 3, third.stderr);
  const s3 = JSON.parse(third.stdout) as Summary;
  assert.equal(s3.ok, false);
  assert.equal(s3.error?.code, 'MLS_ERR_PACK_MODEL_TOO_LARGE');
  assert.deepEqual(s3.steps.map((s) => s.status), ['skipped', 'skipped', 'failed', 'waiting', 'waiting']);
  const profilesAfter = await stat(join(out, 'profiles.yaml'));
  assert.equal(profilesAfter.mtimeMs, profilesBefore.mtimeMs);
  assert.ok(existsSync(join(out, 'model_store', 'mlp.mar')));
});

test('a missing configuration and a bad step range are coded errors', async () => {
  const r = await runCli(['pipeline', '-f', '/nonexistent/mlserve.yaml', '--json']);
  assert.equal(r.code, 3);
  assert.equal((JSON.parse(r.stdout) as Summary).error?.code ?? (JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'MLS_ERR_PIPELINE_CONFIG_NOT_FOUND');
  const bad = await runCli(['pipeline', '--from', 'bogus']);
  assert.equal(bad.code, 2);
});
