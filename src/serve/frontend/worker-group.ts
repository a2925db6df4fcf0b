// The server-wide group of worker processes that host many models each (--shared-workers): the way
// to 1,000 models per server, since a Node process costs tens of MB before any weights. The group
// owns the processes (replaced with backoff when they die, which fails only the batches in flight
// on that process), the per-process slot limit, fair hand-out of freed slots across models, and
// the model memory budget (--max-model-memory): least recently used idle models are unloaded to
// make room, and loaded again on their next request.
import type { Logger } from '../../log.js';
import { WorkerProcess, type WorkerTime } from './worker-process.js';
import type { WorkerHub } from './worker-hub.js';
import type { SharedPool } from './shared-pool.js';
import type { TimerHandle } from '../clock.js';
import { backoffDelay } from './worker-limits.js';


export interface GroupOptions {
  size: number;
  /** Batches in flight per process, all its models together. */
  processConcurrency: number;
  /** Budget for loaded models in bytes (0: no budget). */
  maxModelMemory: number;
  startupTimeoutMs: number;
  /** The server's clock and worker limits (backoff, stable time). */
  time: WorkerTime;
  /** Starts one process (default: a WorkerProcess; supervision tests pass fakes). */
  startWorker?: (time: WorkerTime) => WorkerProcess;
}

/** Counters for the metrics (SageMaker multi-model endpoint style). */
export interface CacheStats {
  hits: number;
  misses: number;
  loads: number;
  loadFailures: number;
  loadMicros: number;
  evictions: number;
  unloadMicros: number;
}

export class GroupProcess {
  /** Batches in flight, all models. */
  inflight = 0;
  /** Estimated bytes of the models loaded here. */
  bytes = 0;
  readonly models = new Set<SharedPool>();
  /** Models placed here with queued work that found no free slot, in arrival order. */
  readonly waiting: SharedPool[] = [];
  readonly waitingSet = new Set<SharedPool>();
  constructor(readonly w: WorkerProcess) {}
}

export class WorkerGroup {
  readonly procs: GroupProcess[] = [];
  readonly stats: CacheStats = { hits: 0, misses: 0, loads: 0, loadFailures: 0, loadMicros: 0, evictions: 0, unloadMicros: 0 };
  /** Bytes of the models loaded now (reserved while loading). */
  usedBytes = 0;
  private readonly loaded = new Set<SharedPool>();
  private readyWaiters: Array<() => void> = [];
  private failures = 0;
  private restartTimer?: TimerHandle;
  private closed = false;

  constructor(
    private readonly hub: WorkerHub,
    private readonly log: Logger,
    readonly opts: GroupOptions,
  ) {}

  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.opts.size }, () => this.spawn()));
  }

  readyProcs(): GroupProcess[] {
    return this.procs.filter((p) => p.w.status === 'READY');
  }

  /** Resolves once some process is ready (bounded by the startup timeout). */
  async whenReady(): Promise<void> {
    if (this.readyProcs().length > 0) return;
    const clock = this.opts.time.clock;
    let timer: TimerHandle | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.readyWaiters.push(resolve)),
      new Promise<never>((_, reject) => {
        timer = clock.setTimeout(() => reject(new Error(`no shared worker process started within ${this.opts.startupTimeoutMs} ms`)), this.opts.startupTimeoutMs);
      }),
    ]).finally(() => clock.clearTimer(timer));
  }

  /** The `n` ready processes with the fewest model bytes, not already holding `except`. */
  pick(n: number, except: ReadonlySet<GroupProcess>): GroupProcess[] {
    return this.readyProcs()
      .filter((p) => !except.has(p))
      .sort((a, b) => a.bytes - b.bytes || a.inflight - b.inflight)
      .slice(0, Math.max(0, n));
  }

  /**
   * Takes `bytes` of the memory budget for `pool`, unloading least recently used idle models first.
   * When nothing more can be evicted (every loaded model is busy) the load goes ahead over budget:
   * refusing would fail requests the server can in fact serve.
   */
  async reserve(pool: SharedPool, bytes: number): Promise<void> {
    const cap = this.opts.maxModelMemory;
    if (cap > 0 && this.usedBytes + bytes > cap) {
      const idle = [...this.loaded].filter((m) => m !== pool && m.evictable()).sort((a, b) => a.lastUsed - b.lastUsed);
      const victims: SharedPool[] = [];
      let free = cap - this.usedBytes;
      for (const m of idle) {
        if (free >= bytes) break;
        victims.push(m);
        free += m.reservedBytes;
      }
      if (free < bytes) this.log.warn(`model memory over --max-model-memory: every loaded model is busy; loading ${pool.modelKey} anyway`);
      this.usedBytes += bytes;
      await Promise.all(victims.map((m) => m.evict()));
      return;
    }
    this.usedBytes += bytes;
  }

  release(bytes: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes);
  }

  markLoaded(pool: SharedPool, loaded: boolean): void {
    if (loaded) this.loaded.add(pool);
    else this.loaded.delete(pool);
  }

  loadedCount(): number {
    return this.loaded.size;
  }

  /** A model with queued work found no free slot on `p`: it gets one of p's freed slots, in arrival order. */
  wait(pool: SharedPool, p: GroupProcess): void {
    if (p.waitingSet.has(pool)) return;
    p.waitingSet.add(pool);
    p.waiting.push(pool);
  }

  forget(pool: SharedPool): void {
    this.loaded.delete(pool);
    for (const p of this.procs) {
      if (!p.waitingSet.delete(pool)) continue;
      p.waiting.splice(p.waiting.indexOf(pool), 1);
    }
  }

  acquire(p: GroupProcess): void {
    p.inflight++;
  }

  /**
   * A slot freed on `p`: the models placed there that have been waiting get it first, oldest wait
   * first (round robin: one that still finds no slot, e.g. at its own limit, queues again at the
   * back), before the model that just finished pumps its own queue again. Stops as soon as the
   * process is full, so a completion costs little even with hundreds of models waiting.
   */
  releaseSlot(p: GroupProcess): void {
    p.inflight--;
    let turns = p.waiting.length;
    while (turns-- > 0 && p.inflight < this.opts.processConcurrency) {
      const m = p.waiting.shift()!;
      p.waitingSet.delete(m);
      m.pumpQueue();
    }
  }

  private async spawn(): Promise<void> {
    const { time, startWorker } = this.opts;
    const w = startWorker ? startWorker(time) : new WorkerProcess(this.hub, this.log, undefined, time);
    const p = new GroupProcess(w);
    this.procs.push(p);
    let readyAt = 0;
    void w.exited.then(() => {
      const i = this.procs.indexOf(p);
      if (i >= 0) this.procs.splice(i, 1);
      // Only this process's models lose their session; they load again elsewhere on demand, and
      // those that were waiting for a slot here pump again (now to load elsewhere).
      const models = [...p.models];
      for (const m of models) m.lost(p);
      p.models.clear();
      p.waiting.splice(0);
      p.waitingSet.clear();
      for (const m of models) m.pumpQueue();
      if (this.closed) return;
      if (readyAt > 0 && time.clock.now() - readyAt >= time.limits.stableMs) this.failures = 0;
      else this.failures++;
      this.log.warn(`shared worker ${w.id} died; replacing it`);
      this.scheduleRestart();
    });
    await w.ready(this.opts.startupTimeoutMs);
    readyAt = time.clock.now();
    for (const r of this.readyWaiters.splice(0)) r();
  }

  private scheduleRestart(): void {
    if (this.restartTimer || this.closed) return;
    const delay = backoffDelay(this.opts.time.limits, this.failures);
    this.restartTimer = this.opts.time.clock.setTimeout(() => {
      this.restartTimer = undefined;
      const missing = this.opts.size - this.procs.filter((p) => p.w.status !== 'DEAD' && p.w.status !== 'UNLOADING').length;
      for (let i = 0; i < missing; i++) {
        this.spawn().catch((e: unknown) => this.log.warn(`shared worker failed to start: ${(e as Error).message}`));
      }
    }, delay);
    this.restartTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.opts.time.clock.clearTimer(this.restartTimer);
    await Promise.all(this.procs.map((p) => p.w.stop()));
  }
}
