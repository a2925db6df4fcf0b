// Fuzz: hundreds of seeded hostile requests against every endpoint of a real server. Each must be
// answered with a 4xx JSON error (or, when the body never arrived whole, a closed connection), no
// worker may die, and a healthy client predicting at the same time must never fail.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzCase } from './cases.js';
import { healthyClient, isJsonError, rawRequest, seeded } from './harness.js';
import { startTestServer, workerPids, type TestServer } from './server.js';

const SEED = Number(process.env.MLSERVE_FUZZ_SEED ?? 20261122);
const COUNT = Number(process.env.MLSERVE_FUZZ_COUNT ?? 1000);
const PARALLEL = 8;

let t: TestServer;

before(async () => {
  t = await startTestServer([{ name: 'identity', handler: 'base_handler' }], ['identity'], { maxRequestSize: 1 << 20 });
});
after(async () => {
  await t?.stop();
});

describe('fuzzing every endpoint', () => {
  it(`answers ${COUNT} hostile requests (seed ${SEED}) with 4xx JSON errors while a healthy client keeps working`, async (ctx) => {
    const rng = seeded(SEED);
    const pidsBefore = workerPids(t.server);
    const healthy = healthyClient(`${t.I}/predictions/identity`, '[[1,2,3,4]]', (j) => JSON.stringify(j) === '{"output":[[1,2,3,4]]}');
    const bad: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    const cases = Array.from({ length: COUNT }, () => fuzzCase(rng));
    const t0 = performance.now();
    for (let i = 0; i < cases.length; i += PARALLEL) {
      await Promise.all(
        cases.slice(i, i + PARALLEL).map(async (c) => {
          const r = await rawRequest(c.port === 'inference' ? t.I : t.M, c.bytes, { end: c.end, timeoutMs: 15_000 });
          sent++;
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          const okClose = c.mayClose && r.status === 0 && r.closed;
          const ok4xx = r.status >= 400 && r.status < 500 && isJsonError(r.body);
          if (!okClose && !ok4xx) bad.push(`${c.what}: ${r.status || (r.closed ? 'closed' : 'no answer')} ${r.body.slice(0, 160)}`);
        }),
      );
    }
    const seconds = (performance.now() - t0) / 1000;
    // Give the healthy client a few more requests after the storm, then stop it.
    const okBefore = healthy.ok;
    while (healthy.ok < okBefore + 3) await new Promise((r) => setTimeout(r, 20));
    const h = await healthy.stop();
    const pidsAfter = workerPids(t.server);
    const crashes = pidsBefore.filter((p) => !pidsAfter.includes(p)).length;
    const ping = await fetch(`${t.I}/ping`);
    ctx.diagnostic(`fuzz: seed ${SEED}, ${sent} hostile requests in ${seconds.toFixed(1)} s, statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
      `worker crashes ${crashes}, server crashes ${ping.status === 200 ? 0 : 1}; healthy client ${h.ok} ok, ${h.failures.length} failed`);
    assert.equal(sent, COUNT);
    assert.deepEqual(bad, [], `${bad.length} requests were not answered with a 4xx JSON error`);
    assert.equal(crashes, 0, 'a worker died while fuzzing');
    assert.equal(ping.status, 200);
    assert.deepEqual(h.failures, [], 'the healthy client saw failures');
    assert.ok(h.ok > 0);
  });
});
