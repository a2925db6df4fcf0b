// What calibrate writes into one profile (the live measurement is in known-capacity.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyCalibration } from '../../src/calibrate/profile-update.js';
import type { ModelProfile } from '../../src/formats/profiles.js';

const traced: ModelProfile = {
  name: 'm',
  archive: 'm.mar',
  replicas: 1,
  resources: {
    c5: { memory: 1000, util: 2, hostMemory: 1000, vcpus: 0.02 },
    inf1: { memory: 500, util: 0.8, hostMemory: 1000, estimated: true },
    g4dn: { memory: 900, util: 0.1 }, // measured on a GPU: not an estimate, left alone
  },
  measured: { rps: 20, family: 'c5' },
};

test('util per vCPU, host figures in step, estimated families follow the calibrated util, the traced figures kept', () => {
  const m = { config: { batchSize: 8, workers: 2 }, capacity: 400, concurrency: 16, latencyMs: 40, memory: 5000 };
  const facts = { family: 'c5', units: 2, per: 'vcpu' as const, rps: 20, slo: 'p90=100ms', maxBatchDelay: 10, archive: 'calibrated/m', tried: 3, at: 't', estimates: { inf1: 0.4, g4dn: 0.25 } };
  const p = applyCalibration(traced, m, facts);
  assert.deepEqual(p.resources.c5, { memory: 5000, util: 10, hostMemory: 5000, vcpus: 0.1 }); // 20 ÷ (400 ÷ 2) × 100
  assert.equal(p.resources.inf1!.util, 4);
  assert.equal(p.resources.inf1!.estimated, true);
  assert.match(String(p.resources.inf1!['basis']), /c5 calibrated/);
  assert.equal(p.resources.g4dn!.util, 0.1);
  assert.deepEqual(p.measured?.calibration?.['previous'], { util: 2, memory: 1000, basis: 'traced' });
  assert.equal(p.measured?.config?.['units'], 2);
  // Calibrated again: the version counts, the traced figures stay the ones replaced first.
  const again = applyCalibration(p, { ...m, capacity: 200 }, facts);
  assert.equal(again.resources.c5!.util, 20);
  assert.equal(again.measured?.calibration?.version, 2);
  assert.deepEqual(again.measured?.calibration?.['previous'], { util: 2, memory: 1000, basis: 'traced' });
});
