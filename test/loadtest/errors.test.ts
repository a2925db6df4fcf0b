// Error and timeout counts are exact against servers failing a known share. With one connection
// (pipelining 1) the server sees the generator's requests strictly in order, so after n exchanges
// exactly floor(n/k) of them hit every k-th request: no slack for in-flight requests is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLevel } from '../../src/loadtest/run-level.js';
import { modelRequest } from '../../src/loadtest/targets.js';
import { EMPTY_PAYLOAD } from '../../src/loadtest/payloads.js';
import { preferThisProcess, startChildServer } from './test-servers.js';

preferThisProcess();

const requestsFor = (url: string, models: string[]) =>
  models.map((m) => modelRequest({ model: m, inference: url, predictUrl: `${url}/predictions/${m}` }, EMPTY_PAYLOAD));

test('every 4th request answers 500: counts by status are exact and land on the right model', async () => {
  const server = await startChildServer({ failEvery: 4, failStatus: 500, delayMs: 1 });
  try {
    // Models alternate a, b, a, b: requests 4, 8, 12 ... are all for b.
    const level = await runLevel({ concurrency: 1, durationMs: 800, timeoutMs: 5000, sequence: requestsFor(server.url, ['a', 'b']) });
    const n = level.responses;
    assert.ok(n >= 40, `only ${n} responses`);
    assert.equal(level.statuses['500'], Math.floor(n / 4));
    assert.equal(level.statuses['200'], n - Math.floor(n / 4));
    assert.equal(level.ok, n - Math.floor(n / 4));
    assert.equal(level.timeouts, 0);
    const a = level.models.find((m) => m.model === 'a')!;
    const b = level.models.find((m) => m.model === 'b')!;
    assert.equal(a.statuses['500'], undefined);
    assert.equal(b.statuses['500'], Math.floor(n / 4));
    assert.ok(Math.abs(level.errorRate - Math.floor(n / 4) / n) < 1e-12);
    // The server agrees (it may have answered one more request the generator stopped waiting for).
    const stats = await server.stats();
    assert.ok([0, 1].includes((stats.statuses['500'] ?? 0) + (stats.statuses['200'] ?? 0) - n), JSON.stringify(stats.statuses));
    assert.ok(stats.statuses['500']! - level.statuses['500']! <= 1);
  } finally {
    await server.close();
  }
});

test('every 5th request never answers: timeouts are counted exactly, per model, with no latency recorded', async () => {
  const server = await startChildServer({ failEvery: 5, failStatus: 0, delayMs: 1 });
  try {
    // Five models in turn: the hanging requests (5, 10, ...) are all for model e.
    const level = await runLevel({ concurrency: 1, durationMs: 2600, timeoutMs: 1000, sequence: requestsFor(server.url, ['a', 'b', 'c', 'd', 'e']) });
    const n = level.responses + level.timeouts;
    assert.ok(level.timeouts >= 2, `${level.timeouts} timeouts`);
    assert.equal(level.timeouts, Math.floor(n / 5));
    assert.equal(level.connectionErrors, 0);
    const e = level.models.find((m) => m.model === 'e')!;
    assert.equal(e.timeouts, level.timeouts);
    assert.equal(e.ok, 0);
    assert.equal(e.latencyMs.count, 0);
    for (const m of level.models.filter((x) => x.model !== 'e')) assert.equal(m.timeouts, 0);
    // No timed-out request leaks into the latencies: one would be >= the 1000 ms timeout, and an
    // answer that slow is itself a timeout, whatever the machine's load.
    assert.ok(level.latencyMs.max < 1000, `max ${level.latencyMs.max}`);
  } finally {
    await server.close();
  }
});
