// Worker supervision on a fake clock: replacement backoff, the stable time that resets it,
// retiring on scale-down, startup and response timeouts. Fake workers for the pools; for the
// timeouts of WorkerProcess itself, a process that never connects or a connection that never answers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { Socket } from 'node:net';
import { MlsError } from '../../src/errors.js';
import { memoryLogger, silentLogger } from '../../src/log.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelPool } from '../../src/serve/frontend/model-pool.js';
import { WorkerGroup } from '../../src/serve/frontend/worker-group.js';
import { WorkerProcess } from '../../src/serve/frontend/worker-process.js';
import type { WorkerConnection, WorkerHub } from '../../src/serve/frontend/worker-hub.js';
import { DEFAULT_WORKER_LIMITS, type WorkerLimits } from '../../src/serve/frontend/worker-limits.js';
import type { LoadRequest } from '../../src/serve/ipc/messages.js';
import { FakeClock, settle } from '../helpers/fake-clock.js';
import { fakeStarter, type LoadOutcome } from './fake-worker.js';

const NO_HUB = {} as WorkerHub;
const LOAD = { modelKey: 'm/1.0', modelName: 'm', modelVersion: '1.0', modelDir: '/nowhere', serializedFile: '', handler: 'h.js', manifest: {}, modelConfig: {}, batchSize: 1, intraOpThreads: 1 } as unknown as LoadRequest;

function pool(...outcomes: LoadOutcome[]) {
  return poolWith(DEFAULT_WORKER_LIMITS, ...outcomes);
}

function poolWith(limits: WorkerLimits, ...outcomes: LoadOutcome[]) {
  const clock = new FakeClock();
  const starter = fakeStarter(...outcomes);
  const starts: number[] = [];
  const events: string[] = [];
  const p = new ModelPool(NO_HUB, LOAD, silentLogger, {
    startupTimeoutMs: 5000,
    concurrency: 1,
    onChange: (e) => events.push(e),
    time: { clock, limits },
    startWorker: () => {
      starts.push(clock.now() - 1000);
      return starter.start();
    },
  });
  return { clock, pool: p, started: starter.started, starts, events };
}

describe('ModelPool supervision (fake workers, fake clock)', () => {
  it('replaces a worker that crashed soon after loading after 1 s, and one that ran stably after 0.1 s', async () => {
    const { clock, pool: p, started, events } = pool('ok');
    await p.scale(1, 1);
    started[0]!.crash();
    await settle();
    clock.advance(999);
    assert.equal(started.length, 1, 'no replacement before the backoff');
    clock.advance(1);
    assert.equal(started.length, 2);
    await settle();
    assert.equal(p.liveCount(), 1);
    clock.advance(DEFAULT_WORKER_LIMITS.stableMs);
    started[1]!.crash();
    await settle();
    clock.advance(99);
    assert.equal(started.length, 2);
    clock.advance(1);
    assert.equal(started.length, 3, 'a worker that ran for the stable time resets the backoff');
    await settle();
    assert.deepEqual(events, ['ready', 'ready', 'ready']);
  });

  it('backs off longer while replacements keep failing to load (1, 2, 4 s) and says load-failed', async () => {
    const { clock, pool: p, started, starts, events } = pool('ok', 'fail');
    await p.scale(1, 1);
    started[0]!.crash();
    for (let i = 0; i < 16; i++) {
      await settle();
      clock.advance(500);
    }
    await settle();
    assert.deepEqual(starts, [0, 1000, 3000, 7000]);
    assert.deepEqual(events, ['ready', 'load-failed', 'load-failed', 'load-failed']);
    await p.close();
  });

  it('rejects scale when the worker fails to load, and retires the least busy worker when scaled down', async () => {
    const failing = pool('fail');
    await assert.rejects(failing.pool.scale(1, 1), /handler failed to load/);
    assert.deepEqual(failing.events, ['load-failed']);
    await failing.pool.close();

    const { clock, pool: p, started } = pool('ok');
    await p.scale(2, 2);
    started[0]!.inflight = 1;
    await p.scale(1, 1);
    assert.deepEqual(started.map((w) => w.stopped), [false, true]);
    await settle();
    clock.advance(60_000);
    assert.equal(started.length, 2, 'a retired worker is not replaced');
    await p.close();
  });
});

describe('ModelPool on configured worker limits (short backoffMs, retireWaitMs)', () => {
  it('backs off by the configured backoffMs, the last step repeating', async () => {
    const { clock, pool: p, started, starts } = poolWith({ ...DEFAULT_WORKER_LIMITS, backoffMs: [5, 50] }, 'ok', 'fail');
    await p.scale(1, 1);
    started[0]!.crash();
    for (let i = 0; i < 32; i++) {
      await settle();
      clock.advance(5);
    }
    await settle();
    assert.deepEqual(starts, [0, 50, 100, 150]);
    await p.close();
  });

  it('lets a busy worker retired by scale-down finish for retireWaitMs on the clock, then stops it', async () => {
    const { clock, pool: p, started } = poolWith({ ...DEFAULT_WORKER_LIMITS, retireWaitMs: 1000 }, 'ok');
    await p.scale(2, 2);
    for (const w of started) w.inflight = 1;
    let scaled = false;
    const scaling = p.scale(1, 1).then(() => (scaled = true));
    for (let i = 0; i < 49; i++) {
      await settle();
      clock.advance(20);
    }
    await settle();
    assert.equal(clock.now() - 1000, 980);
    assert.deepEqual([scaled, started.filter((w) => w.stopped).length], [false, 0], 'still finishing its batches');
    clock.advance(20);
    await scaling;
    assert.equal(started.filter((w) => w.stopped).length, 1, 'stopped at retireWaitMs');
    await p.close();
  });
});

describe('WorkerGroup supervision (fake workers, fake clock)', () => {
  it('gives up waiting for a first ready process after the startup timeout, not before', async () => {
    const clock = new FakeClock();
    const starter = fakeStarter('hang');
    const g = new WorkerGroup(NO_HUB, silentLogger, { size: 2, processConcurrency: 16, maxModelMemory: 0, startupTimeoutMs: 3000, time: { clock, limits: DEFAULT_WORKER_LIMITS }, startWorker: starter.start });
    void g.start();
    let failed: Error | undefined;
    const waiting = g.whenReady().catch((e: Error) => (failed = e));
    clock.advance(2999);
    await settle();
    assert.equal(failed, undefined);
    clock.advance(1);
    await waiting;
    assert.match(failed!.message, /no shared worker process started within 3000 ms/);
  });

  it('replaces a dead process after the backoff and keeps its size', async () => {
    const clock = new FakeClock();
    const starter = fakeStarter('ok');
    const g = new WorkerGroup(NO_HUB, silentLogger, { size: 2, processConcurrency: 16, maxModelMemory: 0, startupTimeoutMs: 3000, time: { clock, limits: DEFAULT_WORKER_LIMITS }, startWorker: starter.start });
    await g.start();
    starter.started[1]!.crash();
    await settle();
    assert.equal(g.procs.length, 1);
    clock.advance(999);
    assert.equal(starter.started.length, 2);
    clock.advance(1);
    await settle();
    assert.equal(starter.started.length, 3);
    assert.equal(g.readyProcs().length, 2);
    await g.close();
  });
});

/** A hub whose workers connect only when the test says so, over an in-memory stream. */
function fakeHub() {
  const waiters = new Map<string, (conn: WorkerConnection, pid: number) => void>();
  const hub = {
    socketPath: '/nonexistent/workers.sock',
    expect: (id: string, w: (conn: WorkerConnection, pid: number) => void) => waiters.set(id, w),
    forget: (id: string) => waiters.delete(id),
  } as unknown as WorkerHub;
  const connect = (id: string): PassThrough => {
    const socket = new PassThrough();
    waiters.get(id)!({ socket: socket as unknown as Socket, onFrame: () => {} }, 1);
    return socket;
  };
  return { hub, connect };
}

// The process started here cannot run a worker (node refuses Python's -u -m): it exits on its own,
// but only after the synchronous steps below have decided the outcome on the fake clock.
const NOT_A_WORKER = { kind: 'python', python: process.execPath } as const;

describe('WorkerProcess timeouts (fake clock)', () => {
  it('gives up on a process that does not connect within the startup timeout', async () => {
    const clock = new FakeClock();
    const { hub } = fakeHub();
    const w = new WorkerProcess(hub, silentLogger, NOT_A_WORKER, { clock, limits: DEFAULT_WORKER_LIMITS });
    let failed: Error | undefined;
    const starting = w.ready(5000).catch((e: Error) => (failed = e));
    clock.advance(4999);
    await Promise.resolve();
    assert.equal(failed, undefined);
    clock.advance(1);
    await starting;
    assert.match(failed!.message, /did not start within 5000 ms/);
    assert.equal(w.status, 'DEAD');
    await w.exited;
  });

  it('fails every batch on a worker that does not answer within the response timeout, and kills it', async () => {
    const clock = new FakeClock();
    const { hub, connect } = fakeHub();
    const w = new WorkerProcess(hub, silentLogger, NOT_A_WORKER, { clock, limits: DEFAULT_WORKER_LIMITS });
    connect(w.id);
    await Promise.resolve();
    const results: Array<Error | undefined> = [];
    w.infer('m/1.0', [{ parts: [] }], 1000, (e) => results.push(e));
    clock.advance(500);
    w.infer('m/1.0', [{ parts: [] }], 60_000, (e) => results.push(e));
    clock.advance(499);
    assert.equal(results.length, 0);
    clock.advance(DEFAULT_WORKER_LIMITS.deadlineSweepMs);
    assert.equal(results.length, 2, 'the hung worker fails the other batch in flight too');
    assert.ok(results.every((e) => e instanceof MlsError && e.code === 'MLS_ERR_SERVE_WORKER_GONE' && /did not answer within 1000 ms/.test(e.message)));
    assert.equal(w.status, 'DEAD');
    assert.equal(w.inflight, 0);
    await w.exited;
  });
  it('sends SIGKILL to a worker that ignores SIGTERM after stopGraceMs on the clock, not before', async () => {
    // A process that ignores SIGTERM (ignored signals stay ignored across exec) and says when it does.
    const dir = await mkdtemp(join(tmpdir(), 'mlserve-grace-'));
    const script = join(dir, 'stubborn.sh');
    await writeFile(script, "#!/bin/sh\ntrap '' TERM\necho ignoring-term\nexec sleep 60\n", { mode: 0o755 });
    try {
      const clock = new FakeClock();
      const log = memoryLogger();
      const w = new WorkerProcess(fakeHub().hub, log, { kind: 'python', python: script }, { clock, limits: { ...DEFAULT_WORKER_LIMITS, stopGraceMs: 60_000 } });
      let exited = false;
      void w.exited.then(() => (exited = true));
      while (!log.lines.some((l) => l.includes('ignoring-term'))) await new Promise((r) => setTimeout(r, 5));
      const stopping = w.stop();
      clock.advance(59_999);
      await new Promise((r) => setTimeout(r, 50)); // SIGTERM has arrived and was ignored
      assert.equal(exited, false, 'no SIGKILL before stopGraceMs');
      clock.advance(1);
      await stopping;
      assert.equal(exited, true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
