// One worker process as the frontend sees it: spawn, connect, load a model, run batches with a
// response timeout. When the process dies or hangs, every request in flight on it is rejected at
// once (the caller answers 503), and `exited` resolves so the pool can replace it.
import { readFileSync } from 'node:fs';
import { start } from '../../exec.js';
import { MlsError } from '../../errors.js';
import { runtimeModulePath, RUNNING_FROM_SOURCE } from '../../paths.js';
import type { Logger } from '../../log.js';
import { FRAME, FrameWriter, type Frame } from '../ipc/frames.js';
import { decodeResults, encodeInfer, type BatchWork, type InferItem, type ItemResult, type LoadRequest, type ResultHeader } from '../ipc/messages.js';
import type { WorkerHub } from './worker-hub.js';
import type { BatchDone } from './pool-types.js';
import type { TensorMeta } from '../handlers/types.js';
import { PYTHON_SOURCES } from './python-env.js';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { DEFAULT_WORKER_LIMITS, type WorkerLimits } from './worker-limits.js';

/** What process to start: a Node worker (default) or a Python worker on the given interpreter. */
export type WorkerSpawn = { kind: 'node' } | { kind: 'python'; python: string; env?: Record<string, string> };
const NODE_WORKER: WorkerSpawn = { kind: 'node' };

/** The clock and limits a worker runs on (the server's, from startServer; tests pass a fake clock). */
export interface WorkerTime {
  clock: Clock;
  limits: WorkerLimits;
}
const SYSTEM_TIME: WorkerTime = { clock: systemClock, limits: DEFAULT_WORKER_LIMITS };

export type WorkerStatus = 'STARTING' | 'READY' | 'UNLOADING' | 'DEAD';

interface Pending {
  resolve: (v: Frame) => void;
  reject: (e: Error) => void;
  /** The clock's time after which the worker counts as hung (0: no deadline). */
  deadline: number;
  timeoutMs: number;
}

/** One batch waiting for its answer. */
interface BatchCall {
  work: BatchWork;
  done: BatchDone;
  deadline: number;
  timeoutMs: number;
}

/** A group of batches sent in one infer frame; `calls[k]` is cleared once batch k is answered. */
interface Group {
  calls: Array<BatchCall | undefined>;
  remaining: number;
}

/**
 * Groups a worker may have unanswered before new batches wait in the frontend: one it runs and
 * the next ones waiting in its socket, so that it never idles while the frontend answers the
 * previous group's requests. Batches arriving meanwhile join the next group: under load one frame,
 * one write and one wake-up of the worker carry many requests (bench/serve-overhead.ts).
 * A group carries at most GROUP_MAX batches, so the default 32 batches in flight split into three
 * groups and the two processes overlap: with one group of 32 the frontend and the worker took
 * turns (each idle ~45% of the time under the serve-overhead load). Measured side by side with
 * wrk at 100 connections: 2 unbounded groups 25.7k req/s, 3 × 11 29.4k, 4 × 8 27.5k.
 */
const GROUPS_IN_FLIGHT = 3;
const GROUP_MAX = 11;


/**
 * Starts the worker process. Python workers run `-m mlserve_worker` with mlserve's Python sources
 * (the worker and the `ts` package) first on PYTHONPATH, unbuffered (handler prints reach the log
 * as they happen), writing no bytecode into the installed package.
 */
function startWorker(spawn: WorkerSpawn, [socketPath, id, rssCheckMs]: [string, string, number], opts: Parameters<typeof start>[2]): ReturnType<typeof start> {
  if (spawn.kind === 'node') {
    const nodeArgs = RUNNING_FROM_SOURCE ? ['--import', 'tsx'] : [];
    return start(process.execPath, [...nodeArgs, runtimeModulePath('serve/worker/main'), socketPath, id, String(rssCheckMs)], opts);
  }
  const pythonPath = [PYTHON_SOURCES, process.env.PYTHONPATH].filter(Boolean).join(':');
  return start(spawn.python, ['-u', '-m', 'mlserve_worker', socketPath, id], {
    ...opts,
    env: { ...spawn.env, PYTHONPATH: pythonPath, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
  });
}

/** The clock's time after which a request counts as unanswered (0: no deadline). */
function deadlineOf(clock: Clock, timeoutMs: number): number {
  return timeoutMs > 0 ? clock.now() + timeoutMs : 0;
}

/** A loaded model's inputs and outputs, as the worker's ONNX Runtime session reports them. */
export interface ModelIo {
  inputs: TensorMeta[];
  outputs: TensorMeta[];
  /** A Python worker allowed to fall back found no usable device: why it runs on the CPU. */
  fallback?: string;
}

let nextWorkerId = 9000; // TorchServe numbers its workers from 9000

export class WorkerProcess {
  readonly id = String(nextWorkerId++);
  readonly startTime = new Date();
  status: WorkerStatus = 'STARTING';
  pid = 0;
  /** Batches sent and not yet answered. */
  inflight = 0;
  /** Infer frames written and the batches they carried (batches ÷ frames = mean group size). */
  readonly sent = { frames: 0, batches: 0 };
  readonly exited: Promise<void>;
  private writer?: FrameWriter;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly child: ReturnType<typeof start>;
  private connected!: Promise<void>;
  private sweeper?: TimerHandle;
  /** The process exited or its connection closed. */
  private gone = false;
  /** Batches not sent yet, and groups sent and not fully answered (by frame id). */
  private outbox: BatchCall[] = [];
  private outboxScheduled = false;
  private readonly groups = new Map<number, Group>();

  /** Metrics a Python handler recorded (context.metrics), delivered with its answers. */
  onMetrics?: (m: NonNullable<ResultHeader['m']>) => void;

  constructor(hub: WorkerHub, private readonly log: Logger, spawn: WorkerSpawn = NODE_WORKER, private readonly time: WorkerTime = SYSTEM_TIME) {
    this.connected = new Promise((resolve) => {
      hub.expect(this.id, (conn, pid) => {
        this.pid = pid;
        this.writer = new FrameWriter(conn.socket);
        conn.onFrame = (f) => this.onFrame(f);
        conn.socket.on('close', () => this.fail(new MlsError('MLS_ERR_SERVE_WORKER_GONE', { closed: { worker: this.id } })));
        resolve();
      });
    });
    this.child = startWorker(spawn, [hub.socketPath, this.id, this.time.limits.rssCheckMs], {
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      // Workers exit when their socket closes; execa's exit hooks (signal-exit) would also replace
      // the server's own SIGTERM handling.
      cleanup: false,
    });
    // What handlers print goes to the server's log, tagged with the worker.
    const forward = (say: (m: string) => void) => (d: string) => {
      for (const line of d.split('\n')) if (line.trim()) say(`worker ${this.id}: ${line}`);
    };
    this.child.stdout?.setEncoding('utf8').on('data', forward((m) => this.log.info(m)));
    this.child.stderr?.setEncoding('utf8').on('data', forward((m) => this.log.warn(m)));
    this.exited = this.child.then(
      (r) => {
        hub.forget(this.id);
        this.fail(new MlsError('MLS_ERR_SERVE_WORKER_GONE', { exited: { worker: this.id, how: r.signal ?? `code ${r.exitCode}` } }));
      },
      () => this.fail(new MlsError('MLS_ERR_SERVE_WORKER_GONE', { notStarted: { worker: this.id } })),
    );
  }

  /** Waits for the connection (bounded) and loads the model; resolves with its inputs and outputs. */
  async load(req: LoadRequest, timeoutMs: number): Promise<ModelIo> {
    await this.ready(timeoutMs, false);
    try {
      const io = await this.loadModel(req, timeoutMs);
      this.status = 'READY';
      return io;
    } catch (e) {
      this.kill();
      throw e;
    }
  }

  /** Waits (bounded) until the process has connected; with `markReady` it then counts as READY with no model loaded. */
  async ready(timeoutMs: number, markReady = true): Promise<void> {
    const gone = this.exited.then(() => {
      throw new MlsError('MLS_ERR_SERVE_WORKER_GONE', { exitedStarting: { worker: this.id } });
    });
    let timer: TimerHandle | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.time.clock.setTimeout(() => reject(new Error(`worker ${this.id} did not start within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.connected, gone, timeout]);
      if (markReady && this.status === 'STARTING') this.status = 'READY';
    } catch (e) {
      this.kill();
      throw e;
    } finally {
      this.time.clock.clearTimer(timer);
    }
  }

  /** Loads one more model into the (connected) process; a load error leaves the process running. */
  async loadModel(req: LoadRequest, timeoutMs: number): Promise<ModelIo> {
    const gone = this.exited.then(() => {
      throw new MlsError('MLS_ERR_SERVE_WORKER_GONE', { exitedLoading: { worker: this.id, model: req.modelKey } });
    });
    const f = await Promise.race([this.request(FRAME.load, req, undefined, timeoutMs), gone]);
    return f.header as ModelIo;
  }

  /** Releases one model's session and handler in the process. */
  async unloadModel(modelKey: string, timeoutMs = 10_000): Promise<void> {
    await this.request(FRAME.unload, { modelKey }, undefined, timeoutMs);
  }

  /** Runs one batch; `done` gets its results, or MLS_ERR_SERVE_WORKER_GONE if the worker dies or exceeds `timeoutMs` (it is then killed). */
  infer(modelKey: string, items: InferItem[], timeoutMs: number, done: BatchDone): void {
    if (!this.writer || this.gone || this.status === 'DEAD') return done(new MlsError('MLS_ERR_SERVE_WORKER_GONE', { notRunning: { worker: this.id } }));
    this.inflight++;
    this.outbox.push({ work: { modelKey, items }, done, deadline: deadlineOf(this.time.clock, timeoutMs), timeoutMs });
    this.startSweeper();
    this.scheduleGroup();
  }

  /** Settles one batch (exactly once: callers clear it from outbox or group first). */
  private settle(call: BatchCall, e: Error | undefined, results?: ItemResult[]): void {
    this.inflight--;
    call.done(e, results);
  }

  /** Sends the outbox as one group after this turn's dispatches, unless the worker already has enough. */
  private scheduleGroup(): void {
    if (this.outboxScheduled || this.outbox.length === 0) return;
    this.outboxScheduled = true;
    setImmediate(this.sendGroup);
  }

  private readonly sendGroup = (): void => {
    this.outboxScheduled = false;
    while (this.groups.size < GROUPS_IN_FLIGHT && this.outbox.length > 0 && this.writer && !this.gone) this.sendOneGroup();
  };

  private sendOneGroup(): void {
    let calls = this.outbox;
    if (calls.length > GROUP_MAX) calls = this.outbox.splice(0, GROUP_MAX);
    else this.outbox = [];
    const id = this.nextId++;
    this.groups.set(id, { calls, remaining: calls.length });
    this.sent.frames++;
    this.sent.batches += calls.length;
    const { header, payload } = encodeInfer(calls.map((c) => c.work));
    this.writer!.sendNow(FRAME.infer, id, header, payload);
  }

  private onResults(f: Frame): void {
    const header = f.header as ResultHeader;
    if (header.m) this.onMetrics?.(header.m);
    for (const done of decodeResults(header, f.payload)) {
      const g = this.groups.get(done.group);
      const call = g?.calls[done.index];
      if (!g || !call) continue;
      g.calls[done.index] = undefined;
      if (--g.remaining === 0) this.groups.delete(done.group);
      this.settle(call, undefined, done.results);
    }
    // Batches held while the worker was busy go out once it has room (after this read's answers).
    this.scheduleGroup();
  }

  private request(type: number, header: unknown, payload: Buffer | undefined, timeoutMs: number): Promise<Frame> {
    if (!this.writer || this.gone || this.status === 'DEAD') return Promise.reject(new MlsError('MLS_ERR_SERVE_WORKER_GONE', { notRunning: { worker: this.id } }));
    const id = this.nextId++;
    return new Promise<Frame>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, deadline: deadlineOf(this.time.clock, timeoutMs), timeoutMs });
      this.startSweeper();
      this.writer!.send(type, id, header, payload);
    });
  }

  private startSweeper(): void {
    this.sweeper ??= this.time.clock.setInterval(() => this.sweep(), this.time.limits.deadlineSweepMs).unref();
  }

  private sweep(): void {
    const now = this.time.clock.now();
    for (const [id, p] of this.pending) {
      if (p.deadline === 0 || now < p.deadline) continue;
      this.pending.delete(id);
      p.reject(new MlsError('MLS_ERR_SERVE_WORKER_GONE', { timedOut: { worker: this.id, ms: p.timeoutMs } }));
    }
    // A batch past its response timeout means a hung worker: every batch on it fails now, the
    // process is killed and its pool replaces it.
    const late = this.lateBatch(now);
    if (late) {
      this.fail(new MlsError('MLS_ERR_SERVE_WORKER_GONE', { timedOut: { worker: this.id, ms: late.timeoutMs } }));
      this.kill();
    }
  }

  private lateBatch(now: number): BatchCall | undefined {
    for (const c of this.outbox) if (c.deadline !== 0 && now >= c.deadline) return c;
    for (const g of this.groups.values()) for (const c of g.calls) if (c && c.deadline !== 0 && now >= c.deadline) return c;
    return undefined;
  }

  private onFrame(f: Frame): void {
    if (f.type === FRAME.result) return this.onResults(f);
    const p = this.pending.get(f.id);
    if (!p) return;
    this.pending.delete(f.id);
    if (f.type === FRAME.error) p.reject(new Error((f.header as { message?: string })?.message ?? 'worker error'));
    else p.resolve(f);
  }

  private fail(e: Error): void {
    // A worker being retired stays UNLOADING: its pool must not mistake the exit for a crash.
    if (this.status !== 'UNLOADING') this.status = 'DEAD';
    this.gone = true;
    this.time.clock.clearTimer(this.sweeper);
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    const calls = this.outbox;
    this.outbox = [];
    for (const g of this.groups.values()) for (const c of g.calls) if (c) calls.push(c);
    this.groups.clear();
    for (const c of calls) this.settle(c, e);
  }

  /** Resident memory of the worker process in bytes (0 if unknown), for the describe API. */
  memoryUsage(): number {
    try {
      const pages = Number(readFileSync(`/proc/${this.pid}/statm`, 'utf8').split(' ')[1]);
      return pages * 4096;
    } catch {
      return 0;
    }
  }

  kill(): void {
    this.status = 'DEAD';
    this.child.kill('SIGKILL');
  }

  /** Graceful stop: SIGTERM, SIGKILL if it lingers. */
  async stop(graceMs = this.time.limits.stopGraceMs): Promise<void> {
    this.status = 'UNLOADING';
    this.child.kill('SIGTERM');
    const t = this.time.clock.setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    this.time.clock.clearTimer(t);
  }
}
