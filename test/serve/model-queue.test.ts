// The batcher on its own: a fake pool and a fake clock, no process, no socket, no waiting. Each
// case asserts what left for the worker (batch sizes, order) and what each request was answered.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ModelQueue, type Job } from '../../src/serve/frontend/model-queue.js';
import type { BatchDone, BatchTarget } from '../../src/serve/frontend/pool-types.js';
import { MlsError } from '../../src/errors.js';
import type { InferItem, ItemResult } from '../../src/serve/ipc/messages.js';
import { FakeClock } from '../helpers/fake-clock.js';

interface Call {
  items: InferItem[];
  timeoutMs: number;
  done: BatchDone;
}

/** A pool of one worker with `slots` batches in flight at most; its batches wait in `calls` until answered. */
function fakePool(slots = 1) {
  const calls: Call[] = [];
  let inflight = 0;
  const target: BatchTarget = {
    infer(_key, items, timeoutMs, done) {
      inflight++;
      calls.push({
        items,
        timeoutMs,
        done: (e, r) => {
          inflight--;
          done(e, r);
        },
      });
    },
  };
  return { calls, idleWorker: () => (inflight < slots ? target : undefined), liveCount: () => 1 };
}

function setup(over: { batchSize?: number; maxBatchDelayMs?: number; capacity?: number; slots?: number } = {}) {
  const clock = new FakeClock();
  const pool = fakePool(over.slots);
  const queue = new ModelQueue(
    { modelKey: 'm/1.0', batchSize: over.batchSize ?? 4, maxBatchDelayMs: over.maxBatchDelayMs ?? 100, capacity: over.capacity ?? 100, responseTimeoutMs: 120_000, clock },
    pool,
  );
  const answers: Array<{ n: number; r: ItemResult }> = [];
  let next = 0;
  const submit = (extra: Partial<Job> = {}): boolean => {
    const n = next++;
    return queue.submit({ item: { parts: [{ name: 'body', contentType: 'text/plain', body: Buffer.from(String(n)) }] }, t0: clock.now(), done: (r) => answers.push({ n, r }), ...extra });
  };
  return { clock, pool, queue, answers, submit };
}

const ok = (items: InferItem[]): ItemResult[] => items.map((i) => ({ status: 200, contentType: 'text/plain', body: i.parts[0]!.body }));
const numbers = (items: InferItem[]) => items.map((i) => Number(i.parts[0]!.body.toString()));

describe('ModelQueue (fake pool, fake clock)', () => {
  it('sends a batch as soon as it holds batch_size requests, without waiting for the delay', () => {
    const { clock, pool, submit } = setup({ batchSize: 4 });
    for (let i = 0; i < 4; i++) submit();
    assert.equal(pool.calls.length, 1);
    assert.deepEqual(numbers(pool.calls[0]!.items), [0, 1, 2, 3]);
    assert.equal(pool.calls[0]!.timeoutMs, 120_000, 'the model response timeout goes with the batch');
    clock.advance(1000);
    assert.equal(pool.calls.length, 1, 'the delay timer armed by the first request sends nothing more');
  });

  it('sends what is there once the oldest request has waited max_batch_delay, not before', () => {
    const { clock, pool, queue, submit } = setup({ batchSize: 4, maxBatchDelayMs: 100 });
    submit();
    clock.advance(40);
    submit();
    clock.advance(59);
    assert.equal(pool.calls.length, 0);
    clock.advance(1);
    assert.deepEqual(numbers(pool.calls[0]!.items), [0, 1]);
    assert.equal(queue.maxBatchSeen, 2);
  });

  it('queues full batches in a worker with room, but keeps a partial one until a worker would idle', () => {
    const { clock, pool, answers, submit } = setup({ batchSize: 2, maxBatchDelayMs: 10, slots: 4 });
    for (let i = 0; i < 5; i++) submit();
    assert.deepEqual(pool.calls.map((c) => numbers(c.items)), [[0, 1], [2, 3]], 'full batches go at once, two in flight');
    clock.advance(50);
    assert.equal(pool.calls.length, 2, 'past max_batch_delay, the partial batch still waits: the worker is busy');
    submit();
    assert.deepEqual(numbers(pool.calls[2]!.items), [4, 5], 'so it filled');
    submit();
    clock.advance(50);
    for (const c of pool.calls.splice(0, 3)) c.done(undefined, ok(c.items));
    assert.equal(answers.length, 6);
    assert.deepEqual(numbers(pool.calls[0]!.items), [6], 'once nothing is in flight, the partial batch goes');
  });

  it('fills the next batch while the worker is busy, and sends it when the slot frees', () => {
    const { pool, answers, submit } = setup({ batchSize: 3, slots: 1 });
    for (let i = 0; i < 3; i++) submit();
    for (let i = 0; i < 5; i++) submit();
    assert.equal(pool.calls.length, 1, 'one batch in flight, the rest waits');
    const first = pool.calls[0]!;
    first.done(undefined, ok(first.items));
    assert.deepEqual(answers.map((a) => a.n), [0, 1, 2]);
    assert.deepEqual(numbers(pool.calls[1]!.items), [3, 4, 5], 'the freed slot takes a full batch at once');
  });

  it('refuses requests beyond the queue capacity (the caller answers 503)', () => {
    const { queue, submit } = setup({ batchSize: 1, capacity: 2, slots: 0 });
    assert.equal(submit(), true);
    assert.equal(submit(), true);
    assert.equal(submit(), false);
    assert.equal(queue.pending, 2);
  });

  it('answers 503 to every request of a batch whose worker died, and goes on with the next batch', () => {
    const { pool, answers, queue, submit } = setup({ batchSize: 2, slots: 1 });
    for (let i = 0; i < 4; i++) submit();
    pool.calls[0]!.done(new MlsError('MLS_ERR_SERVE_WORKER_GONE', { exited: { worker: 9000, how: 'SIGKILL' } }));
    assert.deepEqual(answers.map((a) => [a.n, a.r.status]), [[0, 503], [1, 503]]);
    assert.match(answers[0]!.r.error?.message ?? '', /worker 9000 exited/);
    assert.deepEqual(numbers(pool.calls[1]!.items), [2, 3]);
    pool.calls[1]!.done(undefined, ok(pool.calls[1]!.items));
    assert.deepEqual(queue.stats.byStatus, new Map([[503, 2], [200, 2]]));
  });

  it('answers 504 to a request whose client deadline passed while it was queued, and does not run it', () => {
    const { clock, pool, answers, submit } = setup({ batchSize: 1, slots: 1 });
    submit();
    submit({ expiresAt: clock.now() + 50 });
    submit();
    clock.advance(50);
    pool.calls[0]!.done(undefined, ok(pool.calls[0]!.items));
    assert.deepEqual(answers.map((a) => [a.n, a.r.status]), [[0, 200], [1, 504]]);
    assert.deepEqual(numbers(pool.calls[1]!.items), [2], 'the expired request never reached the worker');
  });

  it('measures queue time on its clock', () => {
    const { clock, pool, queue, submit } = setup({ batchSize: 2, slots: 1 });
    submit();
    clock.advance(30);
    submit();
    assert.equal(pool.calls.length, 1);
    assert.equal(queue.stats.queueMicros, 30_000);
  });

  it('drain resolves once queued and in-flight work is answered; close fails what is queued', async () => {
    const { pool, answers, queue, submit } = setup({ batchSize: 1, slots: 1 });
    submit();
    submit();
    let drained = false;
    const d = queue.drain().then(() => (drained = true));
    pool.calls[0]!.done(undefined, ok(pool.calls[0]!.items));
    await Promise.resolve();
    assert.equal(drained, false);
    pool.calls[1]!.done(undefined, ok(pool.calls[1]!.items));
    await d;
    submit();
    submit();
    queue.close();
    assert.deepEqual(answers.slice(2).map((a) => a.r.status), [503], 'the queued one fails; the one in flight is the pool\'s');
  });
});
