// The sweep against servers of known capacity: a server with S service slots and a fixed service
// time T serves at most S/T requests per second; below S connections latency stays at T, above it
// requests queue and latency grows with concurrency/S.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoadtest } from '../../src/loadtest/run-loadtest.js';
import { modelRequest } from '../../src/loadtest/targets.js';
import { EMPTY_PAYLOAD } from '../../src/loadtest/payloads.js';
import { parseSlo } from '../../src/loadtest/slo.js';
import type { LoadtestEvent, LoadtestOptions } from '../../src/loadtest/types.js';
import { startChildServer } from './test-servers.js';

function options(url: string, o: Partial<LoadtestOptions>): LoadtestOptions {
  return {
    mode: 'sweep',
    targets: ['a', 'b'].map((m) => modelRequest({ model: m, inference: url, predictUrl: `${url}/predictions/${m}` }, EMPTY_PAYLOAD)),
    concurrency: [1, 2, 4, 8, 16, 32],
    durationMs: 800,
    warmupMs: 0,
    timeoutMs: 10_000,
    plateauSteps: 2,
    minGain: 0.05,
    seed: 1,
    ...o,
  };
}

test('the knee is the highest concurrency whose P90 meets the SLO on a 4-slot, 20 ms server; the sweep stops at the first miss', async () => {
  const server = await startChildServer({ slots: 4, delayMs: 20 });
  try {
    const events: LoadtestEvent['type'][] = [];
    // Latency is ~20 ms up to 4 connections and ~40 ms at 8: a P90 target of 32 ms separates them.
    const r = await runLoadtest(options(server.url, { slo: parseSlo('p90=32ms') }), (e) => events.push(e.type));
    assert.deepEqual(r.levels.map((l) => l.concurrency), [1, 2, 4, 8]);
    assert.deepEqual(r.levels.map((l) => l.meetsSlo), [true, true, true, false]);
    assert.equal(r.stopReason, 'slo-broken');
    assert.equal(r.knee?.concurrency, 4);
    const [c1, , c4, c8] = r.levels;
    // Capacity is 4 / 20 ms = 200 req/s: four connections get about four times one connection's rate.
    assert.ok(c4!.throughput > 3 * c1!.throughput, `c1 ${c1!.throughput} c4 ${c4!.throughput}`);
    assert.ok(c4!.throughput <= 205, `c4 ${c4!.throughput} above the server's capacity`);
    assert.ok(c8!.latencyMs.p50 > 35, `c8 p50 ${c8!.latencyMs.p50}`);
    assert.ok(events.includes('level-done') && events.includes('stop'));
  } finally {
    await server.close();
  }
});

test('without an SLO the sweep stops once throughput plateaus (2 levels under 5% gain)', async () => {
  const server = await startChildServer({ slots: 2, delayMs: 40 });
  try {
    const r = await runLoadtest(options(server.url, { durationMs: 1500 }));
    // 1 → 25 req/s, 2 → 50 req/s (capacity), 4 and 8 → still 50: stop after 8.
    assert.deepEqual(r.levels.map((l) => l.concurrency), [1, 2, 4, 8]);
    assert.equal(r.stopReason, 'plateau');
    assert.ok(r.knee && r.knee.concurrency >= 2, `knee ${JSON.stringify(r.knee)}`);
    assert.ok(r.knee.throughput <= 51, `throughput ${r.knee.throughput} above capacity`);
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
