// Calibration on a real `mlserve serve`: a handler of known capacity, one batch at a time per
// worker (workerConcurrency 1), each worker completing at most one request every SERVICE_MS: a
// request finishes SERVICE_MS after the worker's previous one, or FLOOR_MS after it arrived when
// the worker was idle. W workers then serve exactly W × 1000 / SERVICE_MS requests/s once the
// frontend keeps them fed, however slow the frontend's hand-over is on a loaded machine as long as
// it stays under SERVICE_MS − FLOOR_MS (45 ms): the capacity is the handler's, not the machine's
// (a plain sleep would add the hand-over to every request and make it depend on the load).
// Calibrate must find it within 10%, choose the workers that reach it, write capacity, util per
// vCPU, memory and the batching where pack and serve read them — and pack must then put on a
// c5.xlarge (4 vCPUs at 100%) the rate that 4 such workers serve, no more.
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
import { runPack } from '../../src/pack/pack.js';

// The servers this test starts inherit the priority: on a machine shared with other work, their
// wake-ups (frontend ↔ worker) would otherwise wait behind it.
preferThisProcess();

const SERVICE_MS = 50;
const FLOOR_MS = 5;
const HANDLER = `let last = 0;
export async function handle(requests) {
  const done = Math.max(Date.now() + ${FLOOR_MS}, last + ${SERVICE_MS});
  await new Promise((r) => setTimeout(r, done - Date.now()));
  last = done;
  return requests.map(() => ({ ok: true }));
}\n`;
/** One worker process, one intra-op thread: one vCPU's worth, serving this many requests/s. */
const PER_WORKER = 1000 / SERVICE_MS;
const RATE = 10; // expected requests/s of each copy of the model
const COPIES = 12;

test('a handler of known capacity (2 workers × 50 ms) is calibrated to 40 req/s within 10%, and pack fills a c5.xlarge with what 4 workers serve', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-calibrate-test-'));
  const store = join(dir, 'store');
  await addModelFolder(store, 'sleepy', 7, { handler: 'sleepy.mjs', files: { 'sleepy.mjs': HANDLER }, config: 'workerConcurrency: 1\nresponseTimeout: 30\n' });
  const profiles = join(dir, 'profiles.yaml');
  // Copies of one archive: measured once, written for each.
  const models = Array.from({ length: COPIES }, (_, i) => ({ name: `sleepy-${i}`, archive: join(store, 'sleepy'), resources: { c5: { memory: '1MB', util: 1 } }, measured: { rps: RATE, family: 'c5' } }));
  await writeFile(profiles, yaml.dump({ apiVersion: 'mlserve/v1', kind: 'ModelProfiles', models }));
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
    concurrency: [2, 4, 8],
    durationMs: 2000,
    warmupMs: 300,
    timeoutMs: 5000,
    payloadFor: () => EMPTY_PAYLOAD,
  });
  const known = 2 * PER_WORKER;
  const m = result.models[0]!;
  assert.equal(result.tried.length, 2, 'the copies were measured once');
  assert.ok(Math.abs(m.capacity - known) / known <= 0.1, `capacity ${m.capacity} vs known ${known}`);
  assert.equal(m.config.workers, 2, 'two workers double the capacity, so they are chosen');
  const one = result.tried.find((t) => t.config.workers === 1)!;
  assert.ok(Math.abs(one.capacity - known / 2) / (known / 2) <= 0.1, `1 worker: ${one.capacity}`);

  assert.equal(await readFile(profiles, 'utf8'), before, '--out elsewhere leaves the input as it was');
  const p = (await readProfiles(out)).models[0]!;
  assert.equal(p.measured?.basis, 'calibrated');
  assert.equal(p.measured?.capacity, Math.round(m.capacity * 100) / 100);
  assert.equal(p.measured?.config?.workers, 2);
  assert.equal(p.measured?.config?.['units'], 2, 'two single-threaded workers occupy two vCPUs');
  assert.equal(p.measured?.calibration?.version, 1);
  // util is % of ONE vCPU (what pack's c5 family counts): the rate over the capacity per vCPU.
  const c5 = p.resources.c5!;
  assert.ok(Math.abs(c5.util - (RATE / (m.capacity / 2)) * 100) < 0.01, `util ${c5.util}`);
  assert.ok(Math.abs(Number(c5['vcpus']) - c5.util / 100) < 1e-3, `vcpus ${c5['vcpus']} follows util`);
  assert.ok(c5.memory > 10 * 1024 * 1024, `memory is the workers' resident memory: ${c5.memory}`);
  const cfg = yaml.load(await readFile(join(dir, p.archive!, 'model-config.yaml'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual({ ...cfg }, { workerConcurrency: 1, responseTimeout: 30, batchSize: 1, maxBatchDelay: 5, minWorkers: 2, maxWorkers: 2 });

  // Pack with the calibrated util: a c5.xlarge at 100% is 4 vCPUs, i.e. 4 × PER_WORKER req/s of
  // this model. Whole copies of RATE req/s fit, within the calibration's 10%.
  const { plan } = await runPack({ profiles: out, instanceTypes: ['c5.xlarge'], maxUtil: 100, objective: 'cost', timeLimitMs: 5000 });
  const perInstance = plan.instances.map((i) => i.servers.reduce((a, s) => a + s.models.reduce((b, x) => b + (x.rps ?? 0), 0), 0));
  const fullest = Math.max(...perInstance);
  const truth = 4 * PER_WORKER;
  assert.ok(fullest <= truth * 1.1 && fullest >= truth * 0.9 - RATE, `a c5.xlarge got ${fullest} req/s; 4 workers serve ${truth}`);
  assert.equal(perInstance.reduce((a, b) => a + b, 0), COPIES * RATE);
});
