// What a model's queue, the HTTP APIs and the metrics need from the workers behind one model:
// met both by a dedicated pool (processes of its own, TorchServe's model) and by a model's share of
// the server-wide worker group (many models per process, issue 4).
import type { InferItem, ItemResult } from '../ipc/messages.js';
import type { ModelIo, WorkerStatus } from './worker-process.js';

/** Called once with a batch's results, or with MLS_ERR_SERVE_WORKER_GONE if the process dies or hangs. */
export type BatchDone = (e: Error | undefined, results?: ItemResult[]) => void;

/**
 * Somewhere one batch can run now. A callback, not a promise: this runs once per batch on the hot
 * path, and the promise chain (four promises and their closures) was most of the frontend's
 * allocation per request (heap sampling under bench/serve-overhead.ts load).
 */
export interface BatchTarget {
  infer(modelKey: string, items: InferItem[], timeoutMs: number, done: BatchDone): void;
}

/** A process as the describe API and the metrics show it. */
export interface WorkerView {
  id: string;
  startTime: Date;
  status: WorkerStatus;
  pid: number;
  /** Batches in flight on the process (all its models). */
  inflight: number;
  memoryUsage(): number;
}

export interface WorkerPool {
  readonly kind: 'dedicated' | 'shared';
  minWorkers: number;
  maxWorkers: number;
  /** Inputs and outputs of the model, known once it has been loaded (OIP v2 metadata). */
  io?: ModelIo;
  /** How long the last load took (ms). */
  lastLoadMs: number;
  /** Start-to-loaded time of each live worker by id, where the pool keeps it (dedicated pools). */
  readonly loadMs?: ReadonlyMap<string, number>;
  /** Processes holding the model now. */
  readonly workers: readonly WorkerView[];
  /** A place with a free slot for one batch of this model, or undefined (the queue waits for onChange('ready')). */
  idleWorker(): BatchTarget | undefined;
  /** Workers able to serve the model (for a lazily loaded shared model: the processes it could load on). */
  liveCount(): number;
  scale(min: number, max: number): Promise<void>;
  /** Shared pools load lazily: this loads the model now (dedicated pools are loaded once ready). */
  ensureLoaded?(): Promise<void>;
  close(): Promise<void>;
}
