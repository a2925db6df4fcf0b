// Worker and thread counts that fit the machine when the operator set none, as TorchServe does
// (ConfigManager.getDefaultWorkers: default_workers_per_model, else the number of GPUs, else the
// number of processors). mlserve also chooses ONNX Runtime's intra-op threads per worker: the
// cores but one (the frontend's) shared among the workers, at least one each. Measured: one worker
// given both cores of a 2-core machine made its second thread spin against the frontend and the
// no-op server fell from 0.70× to 0.25× a bare node:http server (bench/serve-overhead.ts).
// Either one set explicitly wins.
import { availableParallelism } from 'node:os';
import type { ProcessorState } from './processor.js';

export interface MachineDefaults {
  workersPerModel: number;
  intraOpThreads: number;
}

export function machineDefaults(set: { defaultWorkersPerModel?: number; intraOpThreads?: number }, processor: { deviceType: ProcessorState['deviceType']; deviceIds: readonly number[] }, cores = availableParallelism()): MachineDefaults {
  const gpus = processor.deviceType === 'gpu' ? processor.deviceIds.length : 0;
  const workersPerModel = set.defaultWorkersPerModel ?? (gpus > 0 ? gpus : cores);
  const intraOpThreads = set.intraOpThreads ?? Math.max(1, Math.floor((cores - 1) / Math.max(1, workersPerModel)));
  return { workersPerModel, intraOpThreads };
}
