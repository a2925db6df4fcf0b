// TorchServe's default frontend metrics (ts/configs/metrics.yaml, ts_metrics): the names, units,
// label names and label values TorchServe gives them, so dashboards and alerts built on a
// TorchServe server read an mlserve server unchanged. Values come from plain counters kept on the
// request path (frontend/host-stats.ts, the model queues' stats) and are turned into samples here,
// at scrape time (metrics_mode=prometheus) or at each log interval (metrics_mode=log).
import client from 'prom-client';
import type { ModelEntry, Registry } from '../frontend/registry.js';

export type MetricsMode = 'prometheus' | 'log' | 'legacy';

/** metrics_mode=legacy: these are served on /metrics (as before TorchServe 0.8), the others logged. */
const LEGACY_PROMETHEUS = new Set(['ts_inference_requests_total', 'ts_inference_latency_microseconds', 'ts_queue_latency_microseconds']);

/** The families a mode serves on /metrics (the rest are written to the log). */
export function servedFamilies(mode: MetricsMode): Family[] {
  if (mode === 'prometheus') return TS_FAMILIES;
  return mode === 'legacy' ? TS_FAMILIES.filter((f) => LEGACY_PROMETHEUS.has(f.name)) : [];
}

export function loggedFamilies(mode: MetricsMode): Family[] {
  const served = new Set(servedFamilies(mode));
  return TS_FAMILIES.filter((f) => !served.has(f));
}

export interface Family {
  name: string;
  unit: string;
  kind: 'counter' | 'gauge';
  /** TorchServe's dimension names, in its order (the last one is the host name). */
  labels: string[];
  samples(reg: Registry, hostname: string): Array<[string[], number]>;
}

const MODEL_LABELS = ['model_name', 'model_version', 'hostname'];
const HOST_LABELS = ['Level', 'Hostname'];

function entries(reg: Registry): ModelEntry[] {
  return reg.names().flatMap((n) => reg.allVersions(n));
}

/** Per model: TorchServe labels requests that named no version model_version="default". */
function perModel(pick: (s: ModelEntry['queue']['stats']['ts'][0]) => number) {
  return (reg: Registry, hostname: string): Array<[string[], number]> =>
    entries(reg).flatMap((e) => {
      const [plain, versioned] = e.queue.stats.ts;
      const out: Array<[string[], number]> = [];
      // A series appears with its first request, as TorchServe's label children do.
      if (plain.requests > 0) out.push([[e.name, 'default', hostname], pick(plain)]);
      if (versioned.requests > 0) out.push([[e.name, e.version, hostname], pick(versioned)]);
      return out;
    });
}

function hostValue(value: (reg: Registry) => number) {
  return (reg: Registry, hostname: string): Array<[string[], number]> => {
    const v = value(reg);
    return Number.isNaN(v) ? [] : [[['Host', hostname], v]];
  };
}

export const TS_FAMILIES: Family[] = [
  { name: 'Requests2XX', unit: 'Count', kind: 'counter', labels: HOST_LABELS, samples: hostValue((r) => r.host.requests2xx) },
  { name: 'Requests4XX', unit: 'Count', kind: 'counter', labels: HOST_LABELS, samples: hostValue((r) => r.host.requests4xx) },
  { name: 'Requests5XX', unit: 'Count', kind: 'counter', labels: HOST_LABELS, samples: hostValue((r) => r.host.requests5xx) },
  { name: 'ts_inference_requests_total', unit: 'Count', kind: 'counter', labels: MODEL_LABELS, samples: perModel((s) => s.requests) },
  { name: 'ts_inference_latency_microseconds', unit: 'Microseconds', kind: 'counter', labels: MODEL_LABELS, samples: perModel((s) => Math.round(s.latencyMicros * 1000) / 1000) },
  { name: 'ts_queue_latency_microseconds', unit: 'Microseconds', kind: 'counter', labels: MODEL_LABELS, samples: perModel((s) => Math.round(s.queueMicros * 1000) / 1000) },
  { name: 'QueueTime', unit: 'Milliseconds', kind: 'gauge', labels: HOST_LABELS, samples: hostValue((r) => r.host.queueTimeMs) },
  { name: 'WorkerThreadTime', unit: 'Milliseconds', kind: 'gauge', labels: HOST_LABELS, samples: hostValue((r) => r.host.workerThreadTimeMs) },
  {
    name: 'WorkerLoadTime',
    unit: 'Milliseconds',
    kind: 'gauge',
    labels: ['WorkerName', 'Level', 'Hostname'],
    // TorchServe names a worker W-<port>-<model>_<version>; mlserve's worker id stands for the port.
    samples: (reg, hostname) =>
      entries(reg).flatMap((e) =>
        e.pool.workers.flatMap((w): Array<[string[], number]> => {
          const ms = e.pool.loadMs ? e.pool.loadMs.get(w.id) : e.pool.lastLoadMs > 0 ? e.pool.lastLoadMs : undefined;
          return ms === undefined ? [] : [[[`W-${w.id}-${e.name}_${e.version}`, 'Host', hostname], Math.round(ms)]];
        }),
      ),
  },
];

/** Registers the families on a Prometheus registry, filled from the counters at each scrape. */
export function registerTsFamilies(registry: client.Registry, reg: Registry, hostname: string, families: Family[] = TS_FAMILIES): void {
  for (const f of families) {
    const help = `Torchserve prometheus ${f.kind} metric with unit: ${f.unit}`;
    const fill = (m: client.Counter | client.Gauge) => {
      m.reset();
      for (const [values, v] of f.samples(reg, hostname)) {
        const labels = Object.fromEntries(f.labels.map((l, i) => [l, values[i]!]));
        if (m instanceof client.Gauge) m.set(labels, v);
        else m.inc(labels, v);
      }
    };
    const opts = { name: f.name, help, labelNames: f.labels, registers: [registry] };
    if (f.kind === 'gauge') new client.Gauge({ ...opts, collect() { fill(this); } });
    else new client.Counter({ ...opts, collect() { fill(this); } });
  }
}
