import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyVerifyFeedback } from '../../src/calibrate/verify-feedback.js';
import { readProfiles, writeProfiles, type ModelProfile } from '../../src/formats/profiles.js';
import { MlsError } from '../../src/errors.js';

const calibrated = (name: string): ModelProfile => ({
  name,
  archive: `calibrated/${name}`,
  replicas: 1,
  resources: { c5: { memory: 50_000_000, util: 40 } },
  measured: { basis: 'calibrated', family: 'c5', rps: 4, capacity: 10, config: { batchSize: 1, maxBatchDelay: 10, workers: 1, concurrency: 2 }, calibration: { version: 1, at: 'x', slo: 'p90=100ms' } },
});

test('calibrate --from-verify derates only the models that missed the SLO, compounding, and versions the calibration', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-feedback-'));
  const profiles = join(dir, 'profiles.yaml');
  await writeProfiles(profiles, { apiVersion: 'mlserve/v1', kind: 'ModelProfiles', models: [calibrated('a'), calibrated('b')] });
  const verify = join(dir, 'verify.json');
  await writeFile(verify, JSON.stringify({ kind: 'VerifyReport', models: [{ model: 'a', meetsSlo: true }, { model: 'b', meetsSlo: false }] }));
  await applyVerifyFeedback(profiles, verify, profiles);
  const r = await applyVerifyFeedback(profiles, verify, profiles);
  assert.deepEqual(r.derated, [{ name: 'b', derate: 0.64, util: 62.5 }]);
  const [a, b] = (await readProfiles(profiles)).models;
  assert.equal(a!.resources.c5!.util, 40);
  assert.equal(b!.resources.c5!.util, 62.5); // 4 req/s ÷ (10 × 0.64) × 100
  assert.equal(b!.measured?.capacity, 10, 'the measured capacity is kept; the derate is separate');
  assert.equal(b!.measured?.calibration?.version, 3);
});

test('--from-verify refuses profiles that were never calibrated', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-feedback-'));
  const profiles = join(dir, 'profiles.yaml');
  const traced = { ...calibrated('a'), measured: { rps: 4, family: 'c5' } };
  await writeProfiles(profiles, { apiVersion: 'mlserve/v1', kind: 'ModelProfiles', models: [traced] });
  const verify = join(dir, 'verify.json');
  await writeFile(verify, JSON.stringify({ kind: 'VerifyReport', models: [{ model: 'a', meetsSlo: false }] }));
  await assert.rejects(applyVerifyFeedback(profiles, verify, profiles), (e: MlsError) => e.code === 'MLS_ERR_CALIBRATE_NOT_CALIBRATED');
  await writeFile(verify, '{"kind":"LoadtestReport"}');
  await assert.rejects(applyVerifyFeedback(profiles, verify, profiles), (e: MlsError) => e.code === 'MLS_ERR_INVALID_FILE_FORMAT');
});
