// maxWorkerMemory inside a worker (src/serve/worker/memory-watch.ts): RSS is read at most once per
// workerLimits.rssCheckMs on the worker's clock, never while no model set a limit, and the smallest
// limit counts. A FakeClock and a counted RSS reading stand in for performance.now and /proc.
// (The whole path, a leaking handler recycled, is test/hardening/faults.test.ts.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryWatch } from '../../src/serve/worker/memory-watch.js';
import { DEFAULT_WORKER_LIMITS } from '../../src/serve/frontend/worker-limits.js';
import { FakeClock } from '../helpers/fake-clock.js';

const MiB = 2 ** 20;

function watch(checkMs = DEFAULT_WORKER_LIMITS.rssCheckMs) {
  const clock = new FakeClock();
  const state = { rss: 100 * MiB, reads: 0 };
  const w = new MemoryWatch({ checkMs, now: () => clock.now(), rss: () => (state.reads++, state.rss) });
  return { w, clock, state };
}

describe('worker memory watch', () => {
  it('never reads RSS while no model set maxWorkerMemory', () => {
    const { w, clock, state } = watch();
    for (let i = 0; i < 10; i++, clock.advance(1000)) assert.equal(w.over(), undefined);
    assert.equal(state.reads, 0);
  });

  it('reads RSS at most once per rssCheckMs on its clock, and reports it once over the smallest limit', () => {
    const { w, clock, state } = watch(200);
    w.lower(300 * MiB);
    w.lower(150 * MiB);
    w.lower(500 * MiB);
    assert.equal(w.limit, 150 * MiB, 'the smallest limit counts');
    assert.equal(w.over(), undefined);
    assert.equal(state.reads, 1);
    state.rss = 160 * MiB;
    clock.advance(199);
    assert.equal(w.over(), undefined, 'not read again within rssCheckMs');
    assert.equal(state.reads, 1);
    clock.advance(1);
    assert.equal(w.over(), 160 * MiB);
    assert.equal(state.reads, 2);
  });
});
