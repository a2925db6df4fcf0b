// What a calibrated util counts, per processor kind (as pack reads it), and calibrate's processor
// check: a gpu / inf calibration runs on one device of this machine or is refused before anything
// starts. This machine's devices are not faked: the refusal is tested with a probe that sees none
// (as here), the plumbing by the flags the calibration server gets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrationDevice, serverProcessorArgs } from '../../src/calibrate/device-check.js';
import { calibratedUtil, serverUnits, unitsRule } from '../../src/calibrate/processor-units.js';
import { MlsError } from '../../src/errors.js';
import { loadCatalog } from '../../src/trace/estimate.js';
import { loadProcessorTable } from '../../src/deploy/processors.js';
import { TEMPLATES_DIR } from '../../src/paths.js';
import type { DeviceProbe } from '../../src/serve/devices.js';

const noDevices: DeviceProbe = { gpus: async () => [], neuronDevices: async () => [], cudaProvider: async () => undefined, neuronRuntime: async () => undefined };

test('util per vCPU on the CPU (workers × threads, at most the host), per processor on a device', async () => {
  const [catalog, table] = await Promise.all([loadCatalog(), loadProcessorTable(TEMPLATES_DIR)]);
  const c5 = unitsRule('c5', 'cpu', { catalog, table, hostCpus: 4 });
  assert.equal(c5.per, 'vcpu');
  assert.equal(serverUnits(c5, 2, 1), 2);
  assert.equal(serverUnits(c5, 2, 4), 4, 'no more vCPUs than the host has');
  // 2 workers served 40 req/s: 20 per vCPU, so 10 req/s keep half a vCPU busy.
  assert.equal(calibratedUtil(10, 40, serverUnits(c5, 2, 1)), 50);
  const g4dn = unitsRule('g4dn', 'gpu', { catalog, table, hostCpus: 4 });
  assert.equal(g4dn.per, 'processor');
  assert.equal(serverUnits(g4dn, 4, 1), 1, 'the workers share the one GPU the server owns');
  assert.equal(calibratedUtil(10, 40, 1), 25);
  assert.equal(unitsRule('inf1', 'inf', { catalog, table }).per, 'processor');
  for (const [family, processor] of [['g4dn', 'cpu'], ['c5', 'gpu'], ['inf1', 'gpu'], ['nope9', 'cpu']] as const) {
    assert.throws(() => unitsRule(family, processor, { catalog, table }), (e: MlsError) => e.code === 'MLS_ERR_CALIBRATE_FAMILY_MISMATCH', `${family} on ${processor}`);
  }
});

test('--processor gpu|inf without the device is refused with a code, the problems and a hint; cpu needs no device', async () => {
  for (const processor of ['gpu', 'inf'] as const) {
    await assert.rejects(calibrationDevice(processor, noDevices), (e: MlsError) => {
      assert.equal(e.code, 'MLS_ERR_CALIBRATE_PROCESSOR_UNAVAILABLE');
      assert.equal(e.exitCode, 5);
      assert.match(e.hint ?? '', processor === 'gpu' ? /NVIDIA GPU/ : /Inferentia/);
      assert.ok(Array.isArray(e.details?.['problems']) && (e.details['problems'] as string[]).length > 0);
      return true;
    });
  }
  assert.deepEqual(await calibrationDevice('cpu', noDevices), { processor: 'cpu' });
  // The server is always told its processor (MLSERVE_PROCESSOR cannot change it), and owns one device.
  assert.deepEqual(serverProcessorArgs({ processor: 'cpu' }), ['--processor', 'cpu']);
  assert.deepEqual(serverProcessorArgs({ processor: 'gpu', devices: [3] }), ['--processor', 'gpu', '--devices', '3']);
});
