// The worker processes of one model version: scaled to min_worker through the management API,
// replaced with backoff when they die or hang. A replacement that fails to load backs off longer
// (WorkerLimits.backoffMs: 0.1 s, 1 s, 2 s, 4 s ... 30 s); one that ran fine before dying is
// replaced at once.
import type { Logger } from '../../log.js';
import type { LoadRequest } from '../ipc/messages.js';
import type { WorkerHub } from './worker-hub.js';
import type { WorkerPool } from './pool-types.js';
import { WorkerProcess, type ModelIo, type WorkerSpawn, type WorkerTime } from './worker-process.js';
import type { ResultHeader } from '../ipc/messages.js';
import type { TimerHandle } from '../clock.js';
import { backoffDelay } from './worker-limits.js';

export interface PoolOptions {
  startupTimeoutMs: number;
  /**
   * Batches in flight per worker. 1 (TorchServe's rule) lets batches fill while the worker is busy;
   * above 1 the worker overlaps requests (IPC, pre/post-processing, ONNX Runtime on its thread
   * pool), which is what a batch_size 1 model needs for throughput.
   */
  concurrency: number;
  /** Called when a worker becomes ready (the queue can dispatch) or startup keeps failing. */
  onChange: (event: 'ready' | 'load-failed') => void;
  /** The kind of process to start (default: a Node worker). */
  spawn?: WorkerSpawn;
  /** Where each new worker goes (its GPU and ONNX providers; processor.ts, model-device.ts). */
  place?: () => Partial<LoadRequest>;
  /** Metrics recorded by Python handlers (context.metrics). */
  onMetrics?: (m: NonNullable<ResultHeader['m']>) => void;
  /** The server's clock and worker limits (backoff, stable time, retire wait). */
  time: WorkerTime;
  /** Starts one worker (default: a WorkerProcess; supervision tests pass fakes). */
  startWorker?: (spawn: WorkerSpawn | undefined, time: WorkerTime) => WorkerProcess;
}

export class ModelPool implements WorkerPool {
  readonly kind = 'dedicated';
  readonly workers: WorkerProcess[] = [];
  minWorkers = 0;
  /** Inputs and outputs of the model, known once a worker has loaded it (OIP v2 metadata). */
  io?: ModelIo;
  /** How long the last worker took to start and load the model (metrics). */
  lastLoadMs = 0;
  /** Start-to-loaded time of each live worker (TorchServe's WorkerLoadTime), by worker id. */
  readonly loadMs = new Map<string, number>();
  maxWorkers = 0;
  private failures = 0;
  private restartTimer?: TimerHandle;
  private closed = false;

  constructor(
    private readonly hub: WorkerHub,
    private readonly loadRequest: LoadRequest,
    private readonly log: Logger,
    private readonly opts: PoolOptions,
  ) {}

  /** The least busy worker that can take another batch now (below its concurrency limit). */
  idleWorker(): WorkerProcess | undefined {
    let best: WorkerProcess | undefined;
    for (const w of this.workers) {
      if (w.status === 'READY' && w.inflight < this.opts.concurrency && (!best || w.inflight < best.inflight)) best = w;
    }
    return best;
  }

  liveCount(): number {
    return this.workers.filter((w) => w.status === 'READY').length;
  }

  /** Sets the worker count; resolves once the pool has reached it (rejects if a worker cannot load). */
  async scale(min: number, max: number): Promise<void> {
    this.minWorkers = min;
    this.maxWorkers = Math.max(min, max);
    const alive = this.workers.filter((w) => w.status !== 'DEAD' && w.status !== 'UNLOADING');
    const extra = alive.length - min;
    if (extra > 0) {
      // Stop idle workers first; a busy one finishes its batch before SIGTERM reaches it.
      const victims = [...alive].sort((a, b) => a.inflight - b.inflight).slice(0, extra);
      await Promise.all(victims.map((w) => this.retire(w)));
      return;
    }
    const starts: Array<Promise<void>> = [];
    for (let i = 0; i < -extra; i++) starts.push(this.spawn());
    await Promise.all(starts);
  }

  private async retire(w: WorkerProcess): Promise<void> {
    w.status = 'UNLOADING';
    const { clock, limits } = this.opts.time;
    const deadline = clock.now() + limits.retireWaitMs;
    while (w.inflight > 0 && clock.now() < deadline) await new Promise((r) => clock.setTimeout(() => r(undefined), 20));
    await w.stop();
  }

  private async spawn(): Promise<void> {
    const { time, startWorker } = this.opts;
    const w = startWorker ? startWorker(this.opts.spawn, time) : new WorkerProcess(this.hub, this.log, this.opts.spawn, time);
    w.onMetrics = this.opts.onMetrics;
    this.workers.push(w);
    let readyAt = 0;
    void w.exited.then(() => {
      const i = this.workers.indexOf(w);
      if (i >= 0) this.workers.splice(i, 1);
      this.loadMs.delete(w.id);
      if (this.closed || w.status === 'UNLOADING') return;
      if (readyAt > 0 && time.clock.now() - readyAt >= time.limits.stableMs) this.failures = 0;
      else this.failures++;
      this.log.warn(`worker ${w.id} of ${this.loadRequest.modelKey} died; replacing it`);
      this.scheduleRestart();
    });
    const t0 = time.clock.now();
    try {
      this.io = await w.load({ ...this.loadRequest, ...this.opts.place?.() }, this.opts.startupTimeoutMs);
      this.lastLoadMs = time.clock.now() - t0;
      this.loadMs.set(w.id, this.lastLoadMs);
    } catch (e) {
      this.opts.onChange('load-failed');
      throw e;
    }
    readyAt = time.clock.now();
    this.opts.onChange('ready');
  }

  private scheduleRestart(): void {
    if (this.restartTimer || this.closed) return;
    const delay = backoffDelay(this.opts.time.limits, this.failures);
    this.restartTimer = this.opts.time.clock.setTimeout(() => {
      this.restartTimer = undefined;
      const missing = this.minWorkers - this.workers.filter((w) => w.status !== 'DEAD' && w.status !== 'UNLOADING').length;
      for (let i = 0; i < missing; i++) {
        this.spawn().catch((e: unknown) => {
          this.log.warn(`worker for ${this.loadRequest.modelKey} failed to start: ${(e as Error).message}`);
        });
      }
    }, delay);
    this.restartTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.opts.time.clock.clearTimer(this.restartTimer);
    await Promise.all([...this.workers].map((w) => w.stop()));
  }
}
