// TorchServe's DescribeModelResponse for one model version: its fields in TorchServe's order (as
// Gson writes them; fields TorchServe leaves null, such as deviceIds on a CPU model, are absent).
// Fields for TorchServe features mlserve does not have show their "off" values: no parallelism,
// no continuous batching, job tickets, virtual environments or sequence batching.
import type { ModelEntry } from '../frontend/registry.js';
import { deviceFields } from '../processor.js';

function configNumber(e: ModelEntry, key: string, dflt: number): number {
  const v = e.archive.modelConfig[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}

export function describe(e: ModelEntry): Record<string, unknown> {
  return {
    modelName: e.name,
    modelVersion: e.version,
    modelUrl: e.archive.url,
    runtime: e.runtime,
    minWorkers: e.pool.minWorkers,
    maxWorkers: e.pool.maxWorkers,
    batchSize: e.batchSize,
    maxBatchDelay: e.maxBatchDelay,
    responseTimeout: e.responseTimeout,
    startupTimeout: e.startupTimeout,
    // TorchServe's default; mlserve keeps replacing failed workers with backoff (README).
    maxRetryTimeoutInSec: configNumber(e, 'maxRetryTimeoutInSec', 300),
    clientTimeoutInMills: 0,
    parallelType: '',
    parallelLevel: 0,
    ...deviceFields(e.device),
    continuousBatching: false,
    useJobTicket: false,
    useVenv: false,
    stateful: false,
    sequenceMaxIdleMSec: 0,
    sequenceTimeoutMSec: 0,
    maxNumSequence: 0,
    maxSequenceJobQueueSize: 0,
    loadedAtStartup: e.loadedAtStartup,
    workers: e.pool.workers.map((w) => ({
      id: w.id,
      startTime: w.startTime.toISOString(),
      status: w.status,
      memoryUsage: w.memoryUsage(),
      pid: w.pid,
      gpu: e.device.type === 'gpu',
      gpuUsage: 'N/A',
    })),
    jobQueueStatus: { remainingCapacity: e.queue.settings.capacity - e.queue.pending, pendingRequests: e.queue.pending },
    // mlserve's own, after TorchServe's fields: ONNX Runtime threads per worker (chosen from the machine unless set; README).
    intraOpThreads: e.intraOpThreads,
  };
}
