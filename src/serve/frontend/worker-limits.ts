// The limits of worker supervision, set once in the serve options (config.ts defaultOptions:
// `workerLimits`) and handed to every pool, group and worker; tests pass short ones with a fake clock.
// The per-model limits (startup and response timeouts, batch delay, queue size) are the model's own
// settings (RegistrySettings defaults, model-config.yaml, the register API).

export interface WorkerLimits {
  /** Waits before starting a replacement, by failures in a row (the last one repeats). */
  backoffMs: readonly number[];
  /** A worker that dies sooner than this after loading counts as a failure for the backoff. */
  stableMs: number;
  /** How often a worker's response deadlines are checked: one sweep per worker, not a timer per request. */
  deadlineSweepMs: number;
  /** How long a worker retired by scaling down may finish its batches before it is stopped. */
  retireWaitMs: number;
  /** SIGTERM to SIGKILL when a worker is stopped. */
  stopGraceMs: number;
  /** How often, at most, a Node worker holding a model with maxWorkerMemory reads its RSS (a /proc read). */
  rssCheckMs: number;
}

export const DEFAULT_WORKER_LIMITS: WorkerLimits = {
  backoffMs: [100, 1000, 2000, 4000, 8000, 16000, 30000],
  stableMs: 5000,
  deadlineSweepMs: 100,
  retireWaitMs: 30_000,
  stopGraceMs: 2000,
  rssCheckMs: 200,
};

/** The wait before the next replacement after `failures` failures in a row. */
export function backoffDelay(limits: WorkerLimits, failures: number): number {
  return limits.backoffMs[Math.min(failures, limits.backoffMs.length - 1)]!;
}
