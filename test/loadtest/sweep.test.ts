// The sweep's decisions on levels of known figures (no server timing, no waiting): the knee under an
// SLO, the stop at the first level that breaks it, the plateau stop, and what a stop leaves out.
// knee.test.ts runs the same sweep against real servers of known capacity.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { runLoadtest } from '../../src/loadtest/run-loadtest.js';
import type { LevelPlan } from '../../src/loadtest/run-level.js';
import { parseSlo } from '../../src/loadtest/slo.js';
import type { LevelResult, LoadtestOptions } from '../../src/loadtest/types.js';
import { sweepOptions } from './test-servers.js';

// runLoadtest checks that each origin accepts connections before it measures.
let listener: Server;
let url: string;
before(async () => {
  listener = createServer((s) => s.destroy());
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => listener.close(() => r())));

const options = (o: Partial<LoadtestOptions>): LoadtestOptions => sweepOptions(url, { durationMs: 1000, ...o });

/** A server of `slots` slots and `serviceMs` per request, as a closed-loop level would measure it. */
function knownServer(slots: number, serviceMs: number) {
  const asked: number[] = [];
  const measure = async (plan: LevelPlan): Promise<LevelResult> => {
    asked.push(plan.concurrency);
    const c = plan.concurrency;
    const throughput = (Math.min(c, slots) * 1000) / serviceMs;
    const p50 = serviceMs * Math.max(1, c / slots);
    const ok = Math.round((throughput * plan.durationMs) / 1000);
    const latencyMs = { count: ok, min: serviceMs, mean: p50, p50, p90: p50, p95: p50, p99: p50, max: p50 };
    return { concurrency: c, connections: c, durationMs: plan.durationMs, responses: ok, ok, throughput, requestsPerSecond: throughput, statuses: { 200: ok }, timeouts: 0, connectionErrors: 0, errorRate: 0, latencyMs, models: [], generatorCpu: 0.1, generatorEventLoop: 0.1 };
  };
  return { asked, measure };
}

test('the knee is the highest-throughput level meeting the SLO, and the sweep stops at the first miss', async () => {
  const server = knownServer(4, 100);
  const r = await runLoadtest(options({ slo: parseSlo('p50=150ms') }), undefined, undefined, server.measure);
  assert.deepEqual(server.asked, [1, 2, 4, 8], 'no level after the one that broke the SLO');
  assert.deepEqual(r.levels.map((l) => l.meetsSlo), [true, true, true, false]);
  assert.equal(r.stopReason, 'slo-broken');
  assert.equal(r.knee?.concurrency, 4);
  assert.equal(r.knee?.throughput, 40);
});

test('without an SLO the sweep stops after two levels under 5% gain, and the knee is the best throughput', async () => {
  const server = knownServer(2, 100);
  const r = await runLoadtest(options({}), undefined, undefined, server.measure);
  // 1 → 10 req/s, 2 → 20 (capacity), 4 and 8 gain nothing: stop before 16.
  assert.deepEqual(server.asked, [1, 2, 4, 8]);
  assert.equal(r.stopReason, 'plateau');
  assert.equal(r.knee?.concurrency, 2);
});

test('a sweep whose every level gains runs every level and completes', async () => {
  const server = knownServer(64, 100);
  const r = await runLoadtest(options({ concurrency: [1, 2, 4] }), undefined, undefined, server.measure);
  assert.deepEqual(server.asked, [1, 2, 4]);
  assert.equal(r.stopReason, 'completed');
  assert.equal(r.knee?.concurrency, 4);
});
