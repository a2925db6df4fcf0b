// The limits of worker supervision (rows of src/serve/limits.ts), set once in the serve options
// (config.ts defaultOptions: `workerLimits`) and handed to every pool, group and worker; tests pass
// short ones with a fake clock.
// The per-model limits (startup and response timeouts, batch delay, queue size) are the model's own
// settings (RegistrySettings defaults, model-config.yaml, the register API).

import type { WorkerLimits } from '../limits.js';

export { DEFAULT_WORKER_LIMITS, type WorkerLimits } from '../limits.js';

/** The wait before the next replacement after `failures` failures in a row. */
export function backoffDelay(limits: WorkerLimits, failures: number): number {
  return limits.backoffMs[Math.min(failures, limits.backoffMs.length - 1)]!;
}
