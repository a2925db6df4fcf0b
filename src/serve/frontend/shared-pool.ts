// One model's share of the worker group: the model is loaded on first request (the request waits
// in its queue), placed on k = max(1, min_worker) of the group's processes, limited to
// `concurrency` batches in flight per process so a hot model cannot take every slot, unloaded when
// the memory budget needs room, and loaded again on its next request.
import type { Logger } from '../../log.js';
import type { InferItem, LoadRequest } from '../ipc/messages.js';
import type { BatchDone, BatchTarget, WorkerPool, WorkerView } from './pool-types.js';
import type { ModelIo } from './worker-process.js';
import type { GroupProcess, WorkerGroup } from './worker-group.js';

/**
 * What one loaded copy of a model costs a worker process, from its ONNX file size. Measured here
 * (bench/density.ts): ~220 kB of RSS for a 572-byte model (the session's own overhead dominates),
 * ~1.8 MB for a 1 MB model (weights plus the optimized graph's copies).
 */
export function estimateModelMemory(onnxBytes: number): number {
  return Math.round(onnxBytes * 1.5) + 256 * 1024;
}

export interface SharedPoolOptions {
  concurrency: number;
  /** Estimated memory of one loaded copy (estimateModelMemory). */
  bytes: number;
  /** 'ready': the queue can dispatch; 'load-failed': the model could not be loaded (message given). */
  onChange: (event: 'ready' | 'load-failed', message?: string) => void;
  /** True while the model's queue holds requests (such a model is not evicted). */
  hasWork: () => boolean;
}

export class SharedPool implements WorkerPool {
  readonly kind = 'shared';
  minWorkers = 1;
  maxWorkers = 1;
  io?: ModelIo;
  lastLoadMs = 0;
  /** The clock's time of the last dispatch attempt (LRU order). */
  lastUsed = 0;
  /** Bytes of the budget this model holds. */
  reservedBytes = 0;
  /** Batches in flight per process holding the model. */
  private readonly placements = new Map<GroupProcess, number>();
  private inflight = 0;
  private loading?: Promise<void>;
  /** A load was started by a request: the next dispatch counts as a cache miss, not a hit. */
  private cold = false;
  private closed = false;
  /** Set by the registry: pumps this model's queue (used when a slot frees elsewhere). */
  pumpQueue: () => void = () => {};

  constructor(
    private readonly group: WorkerGroup,
    private readonly req: LoadRequest,
    private readonly log: Logger,
    private readonly opts: SharedPoolOptions,
  ) {}

  get modelKey(): string {
    return this.req.modelKey;
  }

  get workers(): WorkerView[] {
    return [...this.placements.keys()].map((p) => p.w);
  }

  get loaded(): boolean {
    return this.placements.size > 0;
  }

  liveCount(): number {
    return Math.min(Math.max(1, this.minWorkers), this.group.readyProcs().length);
  }

  private target(): number {
    return Math.min(Math.max(1, this.minWorkers), this.group.opts.size);
  }

  idleWorker(): BatchTarget | undefined {
    this.lastUsed = this.group.opts.time.clock.now();
    if (this.placements.size === 0) {
      if (!this.loading) {
        this.cold = true;
        this.group.stats.misses++;
        void this.place();
      }
      return undefined;
    }
    let best: GroupProcess | undefined;
    let bestN = Infinity;
    for (const [p, n] of this.placements) {
      if (p.w.status !== 'READY' || n >= this.opts.concurrency || p.inflight >= this.group.opts.processConcurrency) continue;
      if (n < bestN) [best, bestN] = [p, n];
    }
    if (!best) {
      for (const p of this.placements.keys()) if (p.w.status === 'READY') this.group.wait(this, p);
      return undefined;
    }
    const p = best;
    return { infer: (key, items, timeoutMs, done) => this.run(p, key, items, timeoutMs, done) };
  }

  private run(p: GroupProcess, key: string, items: InferItem[], timeoutMs: number, done: BatchDone): void {
    if (this.cold) this.cold = false;
    else this.group.stats.hits++;
    this.placements.set(p, (this.placements.get(p) ?? 0) + 1);
    this.inflight++;
    this.group.acquire(p);
    p.w.infer(key, items, timeoutMs, (e, results) => {
      try {
        this.inflight--;
        const n = this.placements.get(p);
        if (n !== undefined) this.placements.set(p, n - 1);
        this.group.releaseSlot(p);
      } finally {
        done(e, results);
      }
    });
  }

  /** Loads the model now if it is not loaded (metadata requests need its inputs and outputs). */
  async ensureLoaded(): Promise<void> {
    if (this.placements.size === 0) await this.place();
  }

  /** Loads the model on the processes it is missing from (lazily, on first request, or on scale-up). */
  private place(): Promise<void> {
    if (this.loading || this.closed) return this.loading ?? Promise.resolve();
    this.loading = (async () => {
      const t0 = this.group.opts.time.clock.now();
      try {
        await this.group.whenReady();
        const procs = this.group.pick(this.target() - this.placements.size, new Set(this.placements.keys()));
        if (procs.length === 0) return;
        await this.group.reserve(this, this.opts.bytes * procs.length);
        this.reservedBytes += this.opts.bytes * procs.length;
        const results = await Promise.allSettled(procs.map((p) => p.w.loadModel(this.req, this.group.opts.startupTimeoutMs)));
        let error: unknown;
        results.forEach((r, i) => {
          const p = procs[i]!;
          if (r.status === 'rejected' || p.w.status !== 'READY' || this.closed) {
            error ??= r.status === 'rejected' ? r.reason : new Error('worker went away while loading');
            this.reservedBytes -= this.opts.bytes;
            this.group.release(this.opts.bytes);
            return;
          }
          this.io = r.value;
          this.placements.set(p, 0);
          p.models.add(this);
          p.bytes += this.opts.bytes;
        });
        if (this.placements.size === 0) throw error ?? new Error('not loaded');
        this.group.markLoaded(this, true);
        this.lastLoadMs = this.group.opts.time.clock.now() - t0;
        this.group.stats.loads++;
        this.group.stats.loadMicros += this.lastLoadMs * 1000;
        this.loading = undefined;
        this.opts.onChange('ready');
      } catch (e) {
        this.group.stats.loadFailures++;
        this.loading = undefined;
        const message = `model ${this.req.modelKey} could not be loaded: ${(e as Error).message}`;
        this.log.warn(message);
        this.opts.onChange('load-failed', message);
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** Idle (nothing in flight, nothing queued, not loading) and loaded: may be unloaded for room. */
  evictable(): boolean {
    return !this.loading && this.inflight === 0 && this.placements.size > 0 && !this.opts.hasWork();
  }

  /** Unloads the model from every process (its next request loads it again). */
  async evict(counted = true): Promise<void> {
    const procs = [...this.placements.keys()];
    this.placements.clear();
    this.group.markLoaded(this, false);
    this.group.release(this.reservedBytes);
    this.reservedBytes = 0;
    const t0 = this.group.opts.time.clock.now();
    await Promise.allSettled(
      procs.map((p) => {
        p.models.delete(this);
        p.bytes -= this.opts.bytes;
        return p.w.unloadModel(this.req.modelKey);
      }),
    );
    if (counted) {
      this.group.stats.evictions++;
      this.group.stats.unloadMicros += (this.group.opts.time.clock.now() - t0) * 1000;
    }
  }

  /** The process died: its copy of the model is gone (requests in flight on it have failed). */
  lost(p: GroupProcess): void {
    if (!this.placements.delete(p)) return;
    this.reservedBytes -= this.opts.bytes;
    this.group.release(this.opts.bytes);
    if (this.placements.size === 0) this.group.markLoaded(this, false);
  }

  /** min_worker is the number of processes holding the model once loaded (capped by the group). */
  async scale(min: number, max: number): Promise<void> {
    this.minWorkers = min;
    this.maxWorkers = Math.max(min, max);
    if (this.placements.size === 0) return; // loaded on demand with the new count
    const target = this.target();
    if (this.placements.size < target) return this.place();
    const extra = [...this.placements].filter(([, n]) => n === 0).slice(0, this.placements.size - target);
    await Promise.allSettled(
      extra.map(([p]) => {
        this.placements.delete(p);
        p.models.delete(this);
        p.bytes -= this.opts.bytes;
        this.reservedBytes -= this.opts.bytes;
        this.group.release(this.opts.bytes);
        return p.w.unloadModel(this.req.modelKey);
      }),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.group.forget(this);
    if (this.placements.size > 0) await this.evict(false);
  }
}
