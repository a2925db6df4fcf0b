// Worker and thread counts chosen from the machine when the operator set none (TorchServe's
// default_workers_per_model rule), and left alone when set.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { machineDefaults } from '../../src/serve/machine-defaults.js';

const cpu = { deviceType: 'cpu', deviceIds: [] } as const;
const gpus = { deviceType: 'gpu', deviceIds: [0, 3] } as const;

it('chooses one worker per core with one thread each on a CPU server, one per GPU on a GPU server sharing the cores but one', () => {
  assert.deepEqual(machineDefaults({}, cpu, 16), { workersPerModel: 16, intraOpThreads: 1 });
  assert.deepEqual(machineDefaults({}, gpus, 16), { workersPerModel: 2, intraOpThreads: 7 });
  assert.deepEqual(machineDefaults({}, cpu, 1), { workersPerModel: 1, intraOpThreads: 1 });
});

it('keeps what the operator set, and fits the other one to it', () => {
  assert.deepEqual(machineDefaults({ defaultWorkersPerModel: 2 }, cpu, 16), { workersPerModel: 2, intraOpThreads: 7 });
  // One worker on two cores: one thread (the other core is the frontend's).
  assert.deepEqual(machineDefaults({ defaultWorkersPerModel: 1 }, cpu, 2), { workersPerModel: 1, intraOpThreads: 1 });
  assert.deepEqual(machineDefaults({ intraOpThreads: 4 }, cpu, 16), { workersPerModel: 16, intraOpThreads: 4 });
  assert.deepEqual(machineDefaults({ defaultWorkersPerModel: 0, intraOpThreads: 1 }, cpu, 16), { workersPerModel: 0, intraOpThreads: 1 });
  assert.deepEqual(machineDefaults({ defaultWorkersPerModel: 32 }, cpu, 16), { workersPerModel: 32, intraOpThreads: 1 });
});
