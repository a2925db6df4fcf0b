// One load level: closed-loop connections (pipelining 1) spread over the target models for a fixed
// time, one autocannon instance per server origin running side by side. Collects every response's
// latency per model, statuses, timeouts and connection errors, and how busy the generator was.
import { performance } from 'node:perf_hooks';
import { LatencySamples, summarize } from './latency-stats.js';
import { runEngine, type EngineRequest, type EngineSink } from './autocannon-engine.js';
import type { LevelResult, ModelLevelStats, ModelRequest } from './types.js';

export interface LevelPlan {
  concurrency: number;
  durationMs: number;
  timeoutMs: number;
  /** Requests in the order connections cycle through them (per origin order is kept). */
  sequence: ModelRequest[];
  /** Percentiles to compute besides P50/P90/P95/P99 (an SLO on p99.9). */
  percentiles?: number[];
}

export interface LevelTick {
  elapsedMs: number;
  responses: number;
  ok: number;
  errors: number;
}

interface ModelCounters {
  samples: LatencySamples;
  ok: number;
  statuses: Record<string, number>;
  timeouts: number;
}

/** Splits `total` connections over origins in proportion to their requests, at least one each. */
export function splitConnections(total: number, weights: number[]): number[] {
  const n = weights.length;
  const budget = Math.max(total, n);
  const sum = weights.reduce((a, b) => a + b, 0);
  const extra = budget - n;
  const exact = weights.map((w) => (extra * w) / sum);
  const out = exact.map((x) => 1 + Math.floor(x));
  let left = budget - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r);
  for (const { i } of order) {
    if (left-- <= 0) break;
    out[i]! += 1;
  }
  return out;
}

export async function runLevel(plan: LevelPlan, onTick?: (t: LevelTick) => void, signal?: AbortSignal): Promise<LevelResult> {
  const byOrigin = new Map<string, EngineRequest[]>();
  const counters = new Map<string, ModelCounters>();
  // The same object for repeated entries (random mode), so the engine shares one copy of each body.
  const engineRequests = new Map<ModelRequest, EngineRequest>();
  for (const r of plan.sequence) {
    const list = byOrigin.get(r.origin) ?? [];
    let er = engineRequests.get(r);
    if (!er) engineRequests.set(r, (er = { model: r.model, method: r.method, path: r.path, headers: r.headers, body: r.body }));
    list.push(er);
    byOrigin.set(r.origin, list);
    if (!counters.has(r.model)) counters.set(r.model, { samples: new LatencySamples(), ok: 0, statuses: {}, timeouts: 0 });
  }
  let responses = 0;
  let ok = 0;
  let failed = 0;
  let connectionErrors = 0;
  const sink: EngineSink = {
    response(model, status, ms, steady) {
      const c = counters.get(model)!;
      const key = String(status);
      c.statuses[key] = (c.statuses[key] ?? 0) + 1;
      responses++;
      if (status >= 200 && status < 300) {
        c.ok++;
        ok++;
        if (steady) c.samples.add(ms);
      } else failed++;
    },
    timeout(model) {
      counters.get(model)!.timeouts++;
      failed++;
    },
    connectionError() {
      connectionErrors++;
      failed++;
    },
  };

  const origins = [...byOrigin.keys()];
  const conns = splitConnections(plan.concurrency, origins.map((o) => byOrigin.get(o)!.length));
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const elapsed = (): number => Number(process.hrtime.bigint() - t0) / 1e6;
  const timer = onTick ? setInterval(() => onTick({ elapsedMs: elapsed(), responses, ok, errors: failed }), 250) : undefined;
  try {
    await Promise.all(
      origins.map((origin, i) =>
        runEngine(
          { origin, connections: conns[i]!, durationMs: plan.durationMs, timeoutMs: plan.timeoutMs, requests: byOrigin.get(origin)! },
          sink,
          signal,
        ),
      ),
    );
  } finally {
    if (timer) clearInterval(timer);
  }
  const wallMs = elapsed();
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);

  const all = new LatencySamples();
  const models: ModelLevelStats[] = [];
  const statuses: Record<string, number> = {};
  let timeouts = 0;
  for (const [model, c] of counters) {
    all.addAll(c.samples);
    timeouts += c.timeouts;
    for (const [k, v] of Object.entries(c.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
    models.push({ model, ok: c.ok, statuses: c.statuses, timeouts: c.timeouts, latencyMs: summarize(c.samples, plan.percentiles) });
  }
  const attempts = responses + timeouts + connectionErrors;
  return {
    concurrency: plan.concurrency,
    connections: conns.reduce((a, b) => a + b, 0),
    durationMs: wallMs,
    responses,
    ok,
    throughput: ok / (wallMs / 1000),
    requestsPerSecond: responses / (wallMs / 1000),
    statuses,
    timeouts,
    connectionErrors,
    errorRate: attempts === 0 ? 1 : failed / attempts,
    latencyMs: summarize(all, plan.percentiles),
    models,
    generatorCpu: (cpu.user + cpu.system) / 1000 / wallMs,
    generatorEventLoop: elu.utilization,
  };
}
