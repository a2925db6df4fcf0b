// The sweep against servers of known capacity: a server with S service slots and a fixed service
// time T serves at most S/T requests per second; below S connections latency stays at T, above it
// requests queue and latency grows with concurrency/S.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoadtest } from '../../src/loadtest/run-loadtest.js';
import { parseSlo } from '../../src/loadtest/slo.js';
import type { LoadtestEvent } from '../../src/loadtest/types.js';
import { preferThisProcess, startChildServer, sweepOptions as options } from './test-servers.js';

preferThisProcess();

// Latencies here are 100 ms per service and the SLO is on P50. The machine's load can only make
// responses slower and throughput lower, so these tests assert bounds load cannot cross (the
// server's capacity above, its service time below) and that the sweep's decisions follow from the
// figures it measured; the decisions on exact figures are sweep.test.ts's, with no server timing.
test('the knee is the highest concurrency whose P50 meets the SLO on a 4-slot, 100 ms server; the sweep stops at the first miss', async () => {
  const server = await startChildServer({ slots: 4, delayMs: 100 });
  try {
    const events: LoadtestEvent['type'][] = [];
    // Latency is ~100 ms up to 4 connections and ~200 ms at 8: a P50 target of 150 ms separates them.
    const r = await runLoadtest(options(server.url, { durationMs: 1000, slo: parseSlo('p50=150ms') }), (e) => events.push(e.type));
    const seen = JSON.stringify(r.levels.map((l) => ({ c: l.concurrency, rps: +l.throughput.toFixed(1), p50: +l.latencyMs.p50.toFixed(2) })));
    // At 8 connections queueing doubles latency (>= 200 ms > 150 ms) whatever the load, so the sweep
    // stops at 8 at the latest, at the first level that missed, and the knee is one that met it.
    const n = r.levels.length;
    assert.deepEqual(r.levels.map((l) => l.concurrency), [1, 2, 4, 8].slice(0, n), seen);
    assert.equal(r.stopReason, 'slo-broken');
    assert.deepEqual(r.levels.map((l) => l.meetsSlo), [...Array<boolean>(n - 1).fill(true), false], seen);
    if (n > 1) assert.ok(r.knee && r.knee.concurrency <= 4 && r.knee.latencyMs.p50 <= 150, seen);
    // Capacity is 4 / 100 ms = 40 req/s (timers may fire up to 1 ms early); service time 100 ms.
    for (const l of r.levels) assert.ok(l.throughput <= 42 && l.latencyMs.p50 >= 99, `beyond the server's bounds: ${seen}`);
    if (n === 4) assert.ok(r.levels[3]!.latencyMs.p50 > 180, seen);
    assert.ok(events.includes('level-done') && events.includes('stop'));
  } finally {
    await server.close();
  }
});

test('without an SLO the sweep stops once throughput plateaus (2 levels under 5% gain)', async () => {
  const server = await startChildServer({ slots: 2, delayMs: 100 });
  try {
    const r = await runLoadtest(options(server.url, { durationMs: 1500 }));
    // 1 → 10 req/s, 2 → 20 req/s (capacity), then no more: the sweep stops before reaching 32.
    const seen = JSON.stringify(r.levels.map((l) => ({ c: l.concurrency, rps: +l.throughput.toFixed(1) })));
    // Throughput cannot pass capacity at any load, so the sweep cannot keep gaining to the end:
    // it stops on a plateau (after at least 3 levels), and the two levels before the stop gained
    // under 5% on the best before them. (A level that gains on one depressed by a stall only delays it.)
    assert.equal(r.stopReason, 'plateau', seen);
    assert.ok(r.levels.length >= 3 && r.levels.length < 6, seen);
    for (const l of r.levels) assert.ok(l.throughput <= 21, `above the server's capacity: ${seen}`);
    const n = r.levels.length;
    const best = (upTo: number): number => Math.max(...r.levels.slice(0, upTo).map((l) => l.throughput));
    assert.ok(r.levels[n - 2]!.throughput < best(n - 2) * 1.05 && r.levels[n - 1]!.throughput < best(n - 1) * 1.05, seen);
    assert.ok(r.knee, `knee ${JSON.stringify(r.knee)}`);
    assert.equal(r.slo, undefined);
  } finally {
    await server.close();
  }
});

test('a saturated generator is reported: a server in the same process keeps the event loop busy', async () => {
  const { startTestServer } = await import('./test-servers.js');
  const server = await startTestServer();
  try {
    const r = await runLoadtest(options(server.url, { concurrency: [32], durationMs: 700 }));
    const level = r.levels[0]!;
    assert.ok(level.generatorEventLoop > 0.9, `event loop busy ${level.generatorEventLoop}`);
    assert.ok(r.warnings.some((w) => /load generator saturated at concurrency 32/.test(w)), JSON.stringify(r.warnings));
  } finally {
    await server.close();
  }
});
