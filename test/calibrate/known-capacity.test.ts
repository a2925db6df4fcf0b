// Calibration on a real `mlserve serve`: a handler of known capacity, one batch at a time per
// worker (workerConcurrency 1), each worker completing at most one request every SERVICE_MS (a
// request takes SERVICE_MS after the previous one finished, or SERVICE_MS / 2 when the worker was
// idle), so W workers serve exactly W × 1000 / SERVICE_MS requests/s once the frontend keeps them
// fed — however long the frontend's hand-over takes on a busy machine, as long as it stays under
// SERVICE_MS / 2 (a plain sleep would add that hand-over to every request and make the capacity
// depend on the machine's load). Calibrate must find it within 10%, choose the workers that reach
// it, and write capacity, util, memory and the batching where pack and serve read them.
import { test } from 'node:test';
import { preferThisProcess } from '../loadtest/test-servers.js';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { addModelFolder } from '../../fixtures/tiny-store.js';
import { runCalibrate } from '../../src/calibrate/run-calibrate.js';
import { readProfiles } from '../../src/formats/profiles.js';
import { EMPTY_PAYLOAD } from '../../src/loadtest/payloads.js';

// The servers this test starts inherit the priority: on a machine shared with other work, their
// wake-ups (frontend ↔ worker) would otherwise wait behind it and lower the capacity measured.
preferThisProcess();

const SERVICE_MS = 100;
const HANDLER = `let last = 0;
export async function handle(requests) {
  const done = Math.max(Date.now() + ${SERVICE_MS / 2}, last + ${SERVICE_MS});
  await new Promise((r) => setTimeout(r, done - Date.now()));
  last = done;
  return requests.map(() => ({ ok: true }));
}\n`;

test('a handler of known capacity (2 workers × 100 ms) is calibrated to 20 req/s within 10%', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-calibrate-test-'));
  const store = join(dir, 'store');
  await addModelFolder(store, 'sleepy', 7, { handler: 'sleepy.mjs', files: { 'sleepy.mjs': HANDLER }, config: 'workerConcurrency: 1\nresponseTimeout: 30\n' });
  const profiles = join(dir, 'profiles.yaml');
  await writeFile(
    profiles,
    yaml.dump({
      apiVersion: 'mlserve/v1',
      kind: 'ModelProfiles',
      models: [{ name: 'sleepy', archive: join(store, 'sleepy'), resources: { c5: { memory: '1MB', util: 1 } }, measured: { rps: 20, family: 'c5' } }],
    }),
  );
  const before = await readFile(profiles, 'utf8');
  const out = join(dir, 'calibrated.yaml');
  const result = await runCalibrate({
    profiles,
    out,
    slo: { percentile: 90, thresholdMs: 1000, maxErrorRate: 0.01 },
    processor: 'cpu',
    batchSizes: [1],
    workers: [1, 2],
    maxBatchDelayMs: 5,
    concurrency: [1, 2, 4],
    durationMs: 1500,
    warmupMs: 200,
    timeoutMs: 5000,
    payloadFor: () => EMPTY_PAYLOAD,
  });
  const known = (2 * 1000) / SERVICE_MS;
  const m = result.models[0]!;
  assert.ok(Math.abs(m.capacity - known) / known <= 0.1, `capacity ${m.capacity} vs known ${known}`);
  assert.equal(m.config.workers, 2, 'two workers double the capacity, so they are chosen');
  // One worker reached about half: the search measured it and moved on.
  const one = result.tried.find((t) => t.config.workers === 1)!;
  assert.ok(Math.abs(one.capacity - known / 2) / (known / 2) <= 0.1, `1 worker: ${one.capacity}`);

  assert.equal(await readFile(profiles, 'utf8'), before, '--out elsewhere leaves the input as it was');
  const p = (await readProfiles(out)).models[0]!;
  assert.equal(p.measured?.basis, 'calibrated');
  assert.equal(p.measured?.capacity, Math.round(m.capacity * 100) / 100);
  assert.equal(p.measured?.config?.workers, 2);
  assert.equal(p.measured?.calibration?.version, 1);
  assert.ok(Math.abs(p.resources.c5!.util - (20 / m.capacity) * 100) < 0.01, `util ${p.resources.c5!.util}`);
  assert.ok(p.resources.c5!.memory > 10 * 1024 * 1024, `memory is the workers' resident memory: ${p.resources.c5!.memory}`);
  const cfg = yaml.load(await readFile(join(dir, p.archive!, 'model-config.yaml'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual({ ...cfg }, { workerConcurrency: 1, responseTimeout: 30, batchSize: 1, maxBatchDelay: 5, minWorkers: 2, maxWorkers: 2 });
});
