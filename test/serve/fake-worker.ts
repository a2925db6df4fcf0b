// A worker process without a process, for supervision tests (ModelPool, WorkerGroup, Registry):
// the test decides when it connects, loads, fails or dies. Only what the supervisors call exists.
import type { WorkerProcess, WorkerStatus, ModelIo } from '../../src/serve/frontend/worker-process.js';
import type { LoadRequest } from '../../src/serve/ipc/messages.js';

export type LoadOutcome = 'ok' | 'fail' | 'hang';

let nextId = 1;

export class FakeWorker {
  readonly id = `fake-${nextId++}`;
  readonly startTime = new Date(0);
  pid = 0;
  status: WorkerStatus = 'STARTING';
  inflight = 0;
  onMetrics?: unknown;
  readonly exited: Promise<void>;
  readonly loads: LoadRequest[] = [];
  stopped = false;
  private exit!: () => void;

  constructor(private readonly outcome: LoadOutcome) {
    this.exited = new Promise((resolve) => (this.exit = resolve));
  }

  load(req: LoadRequest): Promise<ModelIo> {
    this.loads.push(req);
    if (this.outcome === 'hang') return new Promise(() => {});
    if (this.outcome === 'fail') {
      this.crash();
      return Promise.reject(new Error(`${req.modelKey}: handler failed to load`));
    }
    this.status = 'READY';
    return Promise.resolve({ inputs: [], outputs: [] });
  }

  ready(): Promise<void> {
    if (this.outcome === 'hang') return new Promise(() => {});
    this.status = 'READY';
    return Promise.resolve();
  }

  /** The process dies (a crash, an OOM kill). */
  crash(): void {
    this.status = 'DEAD';
    this.exit();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.status = 'UNLOADING';
    this.exit();
    return this.exited;
  }

  memoryUsage(): number {
    return 0;
  }

  asProcess(): WorkerProcess {
    return this as unknown as WorkerProcess;
  }
}

/** Starts fake workers with the given load outcomes in turn (the last repeats), and keeps them. */
export function fakeStarter(...outcomes: LoadOutcome[]) {
  const started: FakeWorker[] = [];
  const start = (): WorkerProcess => {
    const w = new FakeWorker(outcomes[Math.min(started.length, outcomes.length - 1)] ?? 'ok');
    started.push(w);
    return w.asProcess();
  };
  return { started, start };
}
