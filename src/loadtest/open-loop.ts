// Open-loop load: each target gets requests at a fixed rate on a fixed schedule (request i of a
// target is due at start + i / rate), whatever the server does, and latency is measured from the
// scheduled send time, not from when the request left. A closed loop (autocannon's connections,
// or its overallRate mode, whose coordinated-omission correction assumes 1 ms between requests)
// waits for the server before sending more, so a slow server hides its queueing; here it cannot.
// Requests go out on node:http keep-alive agents (one per origin, sockets opened as needed).
import { Agent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { LatencySamples, summarize } from './latency-stats.js';
import type { LatencySummary, ModelRequest } from './types.js';

export interface OpenLoopTarget {
  /** Names the target in the result (server/model). */
  key: string;
  request: ModelRequest;
  /** Requests per second. */
  rate: number;
}

export interface OpenLoopOptions {
  targets: OpenLoopTarget[];
  durationMs: number;
  /** Requests due in the first warmupMs are sent but not measured. */
  warmupMs: number;
  timeoutMs: number;
  /** Percentiles to compute besides P50/P90/P95/P99. */
  percentiles?: number[];
  /** Requests of one target waiting for an answer before further ones count as failed unsent (bounds sockets). */
  maxOutstanding?: number;
}

export interface OpenLoopStats {
  key: string;
  model: string;
  rate: number;
  /** Requests due in the measured window, and of those: answered 2xx, other statuses, timeouts, connection errors, not sent (too many outstanding). */
  scheduled: number;
  ok: number;
  statuses: Record<string, number>;
  timeouts: number;
  connectionErrors: number;
  unsent: number;
  errorRate: number;
  /** 2xx answers per second of the measured window. */
  throughput: number;
  /** Latency of 2xx answers from their scheduled send time. */
  latencyMs: LatencySummary;
  /** How late the generator sent requests (send time − scheduled time): large values mean the client, not the server, fell behind. */
  sendLagMs: { p99: number; max: number };
}

interface TargetState {
  t: OpenLoopTarget;
  next: number; // index of the next request to send
  total: number;
  outstanding: number;
  samples: LatencySamples;
  lag: LatencySamples;
  stats: Omit<OpenLoopStats, 'latencyMs' | 'sendLagMs' | 'errorRate' | 'throughput'>;
}

export async function runOpenLoop(o: OpenLoopOptions, signal?: AbortSignal): Promise<OpenLoopStats[]> {
  const totalMs = o.warmupMs + o.durationMs;
  const pool = new Map<string, Agent>();
  const agentFor = (origin: string): Agent => {
    let a = pool.get(origin);
    if (!a) pool.set(origin, (a = origin.startsWith('https:') ? new HttpsAgent({ keepAlive: true }) : new Agent({ keepAlive: true })));
    return a;
  };
  const states: TargetState[] = o.targets.map((t) => ({
    t,
    next: 0,
    total: Math.floor((totalMs / 1000) * t.rate),
    outstanding: 0,
    samples: new LatencySamples(),
    lag: new LatencySamples(),
    stats: { key: t.key, model: t.request.model, rate: t.rate, scheduled: 0, ok: 0, statuses: {}, timeouts: 0, connectionErrors: 0, unsent: 0 },
  }));
  const maxOut = o.maxOutstanding ?? 1000;
  const start = performance.now() + 5; // a few ms ahead so the first requests are not already late
  const due = (s: TargetState, i: number): number => start + (i * 1000) / s.t.rate;
  let inFlight = 0;
  let finish: () => void = () => {};
  const drained = new Promise<void>((r) => (finish = r));
  let scheduling = true;
  const maybeDone = (): void => {
    if (!scheduling && inFlight === 0) finish();
  };

  const send = (s: TargetState, scheduledAt: number): void => {
    const measured = scheduledAt - start >= o.warmupMs;
    if (measured) s.stats.scheduled++;
    if (s.outstanding >= maxOut) {
      if (measured) s.stats.unsent++;
      return;
    }
    const r = s.t.request;
    const url = new URL(r.path, r.origin);
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: r.method, headers: { ...r.headers, 'content-length': String(r.body.length) }, agent: agentFor(r.origin) });
    if (measured) s.lag.add(performance.now() - scheduledAt);
    s.outstanding++;
    inFlight++;
    let settled = false;
    const done = (): void => {
      if (settled) return;
      settled = true;
      s.outstanding--;
      inFlight--;
      maybeDone();
    };
    req.setTimeout(o.timeoutMs, () => {
      if (!settled && measured) s.stats.timeouts++;
      req.destroy();
      done();
    });
    req.on('response', (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        if (settled) return;
        const status = res.statusCode ?? 0;
        if (measured) {
          const k = String(status);
          s.stats.statuses[k] = (s.stats.statuses[k] ?? 0) + 1;
          if (status >= 200 && status < 300) {
            s.stats.ok++;
            s.samples.add(performance.now() - scheduledAt);
          }
        }
        done();
      });
    });
    req.on('error', () => {
      if (!settled && measured) s.stats.connectionErrors++;
      done();
    });
    req.end(r.body);
  };

  // One timer for every target: wake at the earliest due request, send everything due (catching up
  // after a late wake-up, so a busy event loop delays requests but never drops them from the schedule).
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      if (signal?.aborted) return resolve();
      const now = performance.now();
      let earliest = Infinity;
      for (const s of states) {
        while (s.next < s.total && due(s, s.next) <= now) send(s, due(s, s.next++));
        if (s.next < s.total) earliest = Math.min(earliest, due(s, s.next));
      }
      if (earliest === Infinity) return resolve();
      setTimeout(tick, Math.max(0, earliest - performance.now()));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  scheduling = false;
  maybeDone();
  await drained;
  for (const a of pool.values()) a.destroy();

  return states.map((s) => {
    const st = s.stats;
    const failed = st.scheduled - st.ok;
    const lag = summarize(s.lag);
    return {
      ...st,
      errorRate: st.scheduled === 0 ? 1 : failed / st.scheduled,
      throughput: st.ok / (o.durationMs / 1000),
      latencyMs: summarize(s.samples, o.percentiles),
      sendLagMs: { p99: lag.count ? lag.p99 : 0, max: lag.count ? lag.max : 0 },
    };
  });
}
