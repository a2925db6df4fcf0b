// loadtest --verify: open-loop load at each model's planned rate, latency from the scheduled send
// time. Servers of known capacity (test-servers.ts: fixed service slots and delay) stand in for
// the deployed plan, so which server is overloaded is known in advance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOpenLoop } from '../../src/loadtest/open-loop.js';
import { verifyPlan } from '../../src/loadtest/verify.js';
import { modelRequest } from '../../src/loadtest/targets.js';
import { EMPTY_PAYLOAD } from '../../src/loadtest/payloads.js';
import { writePlan, type Plan } from '../../src/formats/plan.js';
import { writeDeployment } from '../../src/formats/deployment.js';
import { preferThisProcess, startChildServer } from './test-servers.js';

preferThisProcess();

const req = (url: string, m: string) => modelRequest({ model: m, inference: url, predictUrl: `${url}/predictions/${m}` }, EMPTY_PAYLOAD);

test('open loop: every scheduled request is sent, and an overloaded server shows its queue in the latency', async () => {
  const [fast, slow] = await Promise.all([startChildServer({ delayMs: 1, slots: 8 }), startChildServer({ delayMs: 20, slots: 1 })]);
  try {
    // slow serves 50 req/s; at 100 req/s its queue grows by 50 a second, 20 ms each.
    const [f, s] = await runOpenLoop({
      targets: [
        { key: 'fast', request: req(fast.url, 'a'), rate: 200 },
        { key: 'slow', request: req(slow.url, 'b'), rate: 100 },
      ],
      durationMs: 1000,
      warmupMs: 0,
      timeoutMs: 10_000,
    });
    assert.equal(f!.scheduled, 200);
    assert.equal(f!.ok, 200);
    assert.equal(s!.scheduled, 100);
    assert.equal(s!.ok, 100);
    // A closed loop would report ~20 ms per request; from the schedule, the last requests waited for
    // ~50 before them (~1 s). Compared with the fast server's, so a stalled generator on a busy
    // machine (which delays both) cannot make the test pass or fail.
    assert.ok(s!.latencyMs.p90 > 400 && s!.latencyMs.p90 - f!.latencyMs.p90 > 300, `slow p90 ${s!.latencyMs.p90}, fast p90 ${f!.latencyMs.p90}`);
    const st = await slow.stats();
    assert.equal(st.requests, 100, 'the server saw exactly the scheduled requests');
  } finally {
    await Promise.all([fast.close(), slow.close()]);
  }
});

function planOf(servers: Array<{ name: string; model: string; rps: number }>): Plan {
  return {
    apiVersion: 'mlserve/v1',
    kind: 'PackingPlan',
    objective: 'cost',
    caps: { util: 83 },
    solver: { status: 'optimal', optimal: true, objectiveValue: 1, lowerBound: 1, gap: 0, solveSeconds: 0 },
    totals: { instances: 1, processors: servers.length, models: servers.length, costPerHour: 1, costPerModelHour: 1 },
    instances: [
      {
        id: 'c5-0',
        type: 'c5.xlarge',
        family: 'c5',
        pricePerHour: 1,
        servers: servers.map((s, i) => ({
          name: s.name,
          processor: i,
          memory: 1,
          util: 10,
          models: [{ name: s.model, replica: 0, memory: 1, util: 10, basis: 'calibrated' as const, rps: s.rps }],
        })),
      },
    ],
  };
}

test('a plan that overloads a server fails verification and names that server only', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-verify-'));
  const [okServer, overloaded] = await Promise.all([startChildServer({ delayMs: 5, slots: 4 }), startChildServer({ delayMs: 20, slots: 1 })]);
  try {
    const plan = join(dir, 'plan.yaml');
    const deployment = join(dir, 'deployment.yaml');
    await writePlan(plan, planOf([{ name: 'c5-0-p0', model: 'a', rps: 40 }, { name: 'c5-0-p1', model: 'b', rps: 80 }]));
    await writeDeployment(deployment, {
      apiVersion: 'mlserve/v1',
      kind: 'Deployment',
      runtime: 'local',
      started: true,
      servers: [
        { name: 'c5-0-p0', inference: okServer.url, models: [{ name: 'a', url: `${okServer.url}/predictions/a` }] },
        { name: 'c5-0-p1', inference: overloaded.url, models: [{ name: 'b', url: `${overloaded.url}/predictions/b` }] },
      ],
    });
    const requests = [req(okServer.url, 'a'), req(overloaded.url, 'b')];
    const report = await verifyPlan({ plan, deployment, slo: { percentile: 90, thresholdMs: 400 }, durationMs: 2000, warmupMs: 200, timeoutMs: 10_000, requests, outDir: dir });
    assert.equal(report.ok, false, JSON.stringify(report.models.map((m) => [m.key, m.reason, m.latencyMs.p90, m.sendLagMs])));
    assert.deepEqual(report.failed, ['c5-0-p1/b']);
    const b = report.models.find((m) => m.model === 'b')!;
    assert.match(b.reason ?? '', /p90 .* > 400 ms/);
    assert.equal(report.models.find((m) => m.model === 'a')!.meetsSlo, true);
    assert.equal(JSON.parse(await readFile(join(dir, 'verify.json'), 'utf8')).failed[0], 'c5-0-p1/b');
  } finally {
    await Promise.all([okServer.close(), overloaded.close()]);
  }
});
