// Calibration on a real `mlserve serve` against an SLO no configuration can meet: a handler that
// takes at least 5 ms per request, asked for p90 under 1 ms. Calibrate refuses with
// MLS_ERR_CALIBRATE_SLO_UNREACHABLE naming the model and how many configurations it tried, and
// writes no profiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { addModelFolder } from '../../fixtures/tiny-store.js';
import { runCalibrate } from '../../src/calibrate/run-calibrate.js';
import { MlsError } from '../../src/errors.js';
import { EMPTY_PAYLOAD } from '../../src/loadtest/payloads.js';

const HANDLER = `export async function handle(requests) {
  await new Promise((r) => setTimeout(r, 5));
  return requests.map(() => ({ ok: true }));
}\n`;

test('MLS_ERR_CALIBRATE_SLO_UNREACHABLE: no configuration meets p90 under 1 ms on a 5 ms handler', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-calibrate-slo-'));
  try {
    const store = join(dir, 'store');
    await addModelFolder(store, 'slow', 7, { handler: 'slow.mjs', files: { 'slow.mjs': HANDLER } });
    const profiles = join(dir, 'profiles.yaml');
    const models = [{ name: 'slow', archive: join(store, 'slow'), resources: { c5: { memory: '1MB', util: 1 } }, measured: { rps: 10, family: 'c5' } }];
    await writeFile(profiles, yaml.dump({ apiVersion: 'mlserve/v1', kind: 'ModelProfiles', models }));
    const out = join(dir, 'calibrated.yaml');
    const calibrate = runCalibrate({
      profiles, out, slo: { percentile: 90, thresholdMs: 1 }, processor: 'cpu', batchSizes: [1], workers: [1], maxBatchDelayMs: 1,
      concurrency: [1], durationMs: 300, warmupMs: 0, timeoutMs: 5000, payloadFor: () => EMPTY_PAYLOAD,
    });
    await assert.rejects(calibrate, (e) => {
      assert.ok(e instanceof MlsError);
      assert.equal(e.code, 'MLS_ERR_CALIBRATE_SLO_UNREACHABLE');
      assert.match(e.message, /slow/);
      return true;
    });
    assert.ok(!(await readdir(dir)).includes('calibrated.yaml'), 'no profiles written');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
