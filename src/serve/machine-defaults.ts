// Worker and thread counts that fit the machine when the operator set none, as TorchServe does
// (ConfigManager.getDefaultWorkers: default_workers_per_model, else the number of GPUs, else the
// number of processors). mlserve also chooses ONNX Runtime's intra-op threads per worker so that
// workers × threads = cores: one worker per core with one thread each on a CPU server, and the
// cores shared among the GPU workers on a GPU server. Either one set explicitly wins.
import { availableParallelism } from 'node:os';
import type { ProcessorState } from './processor.js';

export interface MachineDefaults {
  workersPerModel: number;
  intraOpThreads: number;
}

export function machineDefaults(set: { defaultWorkersPerModel?: number; intraOpThreads?: number }, processor: { deviceType: ProcessorState['deviceType']; deviceIds: readonly number[] }, cores = availableParallelism()): MachineDefaults {
  const gpus = processor.deviceType === 'gpu' ? processor.deviceIds.length : 0;
  const workersPerModel = set.defaultWorkersPerModel ?? (gpus > 0 ? gpus : cores);
  const intraOpThreads = set.intraOpThreads ?? Math.max(1, Math.floor(cores / Math.max(1, workersPerModel)));
  return { workersPerModel, intraOpThreads };
}
