// The bounded job queue of one model version and its dynamic batcher. A batch leaves for an idle
// worker as soon as it holds batch_size requests, or when its oldest request has waited
// max_batch_delay ms. While every worker is busy, requests pile up and the next batch is fuller:
// that is where batching gains throughput under load.
import type { InferItem, ItemResult } from '../ipc/messages.js';
import type { BatchTarget, WorkerPool } from './pool-types.js';
import { MlsError } from '../../errors.js';
import type { HostStats } from './host-stats.js';
import type { Clock, TimerHandle } from '../clock.js';

export interface Job {
  item: InferItem;
  done: (r: ItemResult) => void;
  t0: number; // the queue's clock at arrival (performance.now() on the system clock)
  /** The request named a version (TorchServe labels the others model_version="default"). */
  versioned?: boolean;
  /** The clock's time after which the client no longer waits (a gRPC deadline): such a job is answered 504, not run. */
  expiresAt?: number;
}

export interface QueueSettings {
  modelKey: string;
  batchSize: number;
  maxBatchDelayMs: number;
  capacity: number;
  responseTimeoutMs: number;
  /** Server-wide QueueTime / WorkerThreadTime gauges. */
  host?: HostStats;
  /** The batch delay's timer and every time measured here (the server's clock; tests drive a fake). */
  clock: Clock;
}

/** TorchServe's per-model series: requests at arrival, arrival-to-answer and queue time (µs) of answered ones. */
export interface TsSeries {
  requests: number;
  latencyMicros: number;
  queueMicros: number;
}

/** Counters read by the metrics endpoint at scrape time (plain numbers: no per-request allocation). */
export interface QueueStats {
  requests: number;
  errors: number;
  batches: number;
  batchedRequests: number;
  queueMicros: number;
  inferenceMicros: number;
  /** Arrival to answer, all requests (µs). */
  requestMicros: number;
  /** Answers by HTTP status. */
  byStatus: Map<number, number>;
  /** Batches by their size. */
  bySize: Map<number, number>;
  /** TorchServe's ts_* series: [0] requests that named no version (model_version="default"), [1] the others. */
  ts: [TsSeries, TsSeries];
}

export class ModelQueue {
  /** Queued jobs from `head` on; slots before it are cleared as jobs leave (see pump). */
  private jobs: Array<Job | undefined> = [];
  private head = 0;
  private timer?: TimerHandle;
  private inflightBatches = 0;
  private drainWaiters: Array<() => void> = [];
  readonly stats: QueueStats = { requests: 0, errors: 0, batches: 0, batchedRequests: 0, queueMicros: 0, inferenceMicros: 0, requestMicros: 0, byStatus: new Map(), bySize: new Map(), ts: [newSeries(), newSeries()] };
  /** Requests taken into the queue so far. */
  accepted = 0;
  /** Largest batch handed to a worker so far (tests and describe use it). */
  maxBatchSeen = 0;

  constructor(
    readonly settings: QueueSettings,
    private readonly pool: Pick<WorkerPool, 'idleWorker' | 'liveCount'>,
  ) {}

  get pending(): number {
    return this.jobs.length - this.head;
  }

  /** False when the queue is full (the caller answers 503). */
  submit(job: Job): boolean {
    if (this.pending >= this.settings.capacity) return false;
    this.accepted++;
    this.jobs.push(job);
    this.pump();
    return true;
  }

  pump(): void {
    const { batchSize, maxBatchDelayMs } = this.settings;
    while (this.pending > 0) {
      const w = this.pool.idleWorker();
      if (!w) return;
      if (this.pending < batchSize) {
        const wait = this.jobs[this.head]!.t0 + maxBatchDelayMs - this.settings.clock.now();
        if (wait > 0.5) {
          this.timer ??= this.settings.clock.setTimeout(() => {
            this.timer = undefined;
            this.pump();
          }, wait);
          return;
        }
        // A partial batch goes only where a worker would otherwise idle: full batches may queue
        // up in a worker (workerConcurrency) so it never waits for the frontend between them,
        // but a partial one sent to a busy worker would only have got fuller waiting here.
        if (this.inflightBatches >= this.pool.liveCount()) return;
      }
      const n = Math.min(batchSize, this.pending);
      let batch = this.jobs.slice(this.head, this.head + n) as Job[];
      // Dispatched jobs must not stay reachable from the queue: until the array is compacted they
      // would keep each answered request (its response, socket and body) alive, and the young-
      // generation GC copied them over and over (5–11 ms scavenges under load).
      this.jobs.fill(undefined, this.head, this.head + n);
      this.head += n;
      if (this.head > 1024 && this.head * 2 > this.jobs.length) {
        this.jobs = this.jobs.slice(this.head);
        this.head = 0;
      }
      // TorchServe's clientExpireTS: work nobody waits for any more is not given to a worker.
      if (batch.some(this.expired)) {
        const r = deadlinePassed();
        for (const j of batch) if (this.expired(j)) this.finish(j, r);
        batch = batch.filter((j) => !this.expired(j));
        this.checkDrained();
        if (batch.length === 0) continue;
      }
      this.dispatch(w, batch);
    }
  }

  private dispatch(w: BatchTarget, batch: Job[]): void {
    this.inflightBatches++;
    this.stats.batches++;
    this.stats.batchedRequests += batch.length;
    this.stats.bySize.set(batch.length, (this.stats.bySize.get(batch.length) ?? 0) + 1);
    if (batch.length > this.maxBatchSeen) this.maxBatchSeen = batch.length;
    const clock = this.settings.clock;
    const sent = clock.now();
    for (const j of batch) {
      const waited = (sent - j.t0) * 1000;
      this.stats.queueMicros += waited;
      this.stats.ts[j.versioned ? 1 : 0].queueMicros += waited;
    }
    const host = this.settings.host;
    if (host) host.queueTimeMs = Math.round((sent - batch[batch.length - 1]!.t0) * 1000) / 1000;
    const prepared = clock.now() - sent;
    const after = (): void => {
      this.inflightBatches--;
      this.pump();
      this.checkDrained();
    };
    w.infer(this.settings.modelKey, batch.map((j) => j.item), this.settings.responseTimeoutMs, (e, results) => {
      try {
        if (e || !results) {
          const r = workerFailed(!e ? new MlsError('MLS_ERR_SERVE_WORKER_GONE', { noResults: {} }) : e instanceof MlsError ? e : new MlsError('MLS_ERR_SERVE_WORKER_GONE', { failed: { reason: e.message } }));
          for (const j of batch) this.finish(j, r);
          return;
        }
        const back = clock.now();
        this.stats.inferenceMicros += (back - sent) * 1000 * batch.length;
        for (let i = 0; i < batch.length; i++) {
          const j = batch[i]!;
          // TorchServe's ts_inference_latency_microseconds: arrival to answer, for answers from the worker.
          this.stats.ts[j.versioned ? 1 : 0].latencyMicros += (back - j.t0) * 1000;
          this.finish(j, results[i] ?? workerFailed(new MlsError('MLS_ERR_SERVE_WORKER_GONE', { noResult: {} })));
        }
        // The frontend's own time on the batch: preparing it, and answering its requests.
        if (host) host.workerThreadTimeMs = Math.round((prepared + clock.now() - back) * 1000) / 1000;
      } finally {
        after();
      }
    });
  }

  private readonly expired = (j: Job): boolean => j.expiresAt !== undefined && j.expiresAt <= this.settings.clock.now();

  private finish(j: Job, r: ItemResult): void {
    this.stats.requests++;
    if (r.status >= 400) this.stats.errors++;
    this.stats.byStatus.set(r.status, (this.stats.byStatus.get(r.status) ?? 0) + 1);
    this.stats.requestMicros += (this.settings.clock.now() - j.t0) * 1000;
    j.done(r);
  }

  /** Fails every queued request (the model's workers cannot start). */
  failQueued(error: MlsError): void {
    const r = workerFailed(error);
    while (this.pending > 0) this.finish(this.jobs[this.head++]!, r);
    this.jobs = [];
    this.head = 0;
    this.checkDrained();
  }

  /** Resolves when nothing is queued or in flight. */
  drain(): Promise<void> {
    if (this.pending === 0 && this.inflightBatches === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private checkDrained(): void {
    if (this.pending === 0 && this.inflightBatches === 0) {
      for (const r of this.drainWaiters.splice(0)) r();
    }
  }

  close(): void {
    this.settings.clock.clearTimer(this.timer);
    this.failQueued(new MlsError('MLS_ERR_SERVE_WORKER_GONE', { unregistered: {} }));
  }
}

function newSeries(): TsSeries {
  return { requests: 0, latencyMicros: 0, queueMicros: 0 };
}


function deadlinePassed(): ItemResult {
  return workerFailed(new MlsError('MLS_ERR_SERVE_DEADLINE'));
}

const NO_BODY = Buffer.alloc(0);

/** A request the queue answers itself: the HTTP (or gRPC) layer renders the error in its protocol's style. */
function workerFailed(error: MlsError): ItemResult {
  return { status: error.httpStatus, contentType: 'application/json', body: NO_BODY, error };
}
