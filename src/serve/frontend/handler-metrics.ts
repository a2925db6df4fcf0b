// Metrics a model's Python handler records through context.metrics (add_time, add_counter,
// add_size, add_percent, add_metric). They arrive with the worker's answers and are kept per name
// and dimensions: counters add up, the others keep the last value. The metrics endpoint renders
// them in Prometheus text, labelled by model as TorchServe's Prometheus mode does.
import type { HandlerMetric } from '../ipc/messages.js';

interface Series {
  name: string;
  kind: 'counter' | 'gauge';
  unit: string;
  dims: Record<string, string>;
  value: number;
}

/** More distinct series than this per model are dropped: a handler must not grow the scrape without bound. */
const MAX_SERIES = 1000;

export class HandlerMetrics {
  private readonly series = new Map<string, Series>();
  dropped = 0;

  add(batch: readonly HandlerMetric[]): void {
    for (const [, name, value, unit, kind, dims] of batch) {
      const key = `${name}\u0000${JSON.stringify(dims)}`;
      let s = this.series.get(key);
      if (!s) {
        if (this.series.size >= MAX_SERIES) {
          this.dropped++;
          continue;
        }
        s = { name, kind: kind === 'counter' ? 'counter' : 'gauge', unit, dims, value: 0 };
        this.series.set(key, s);
      }
      s.value = s.kind === 'counter' ? s.value + value : value;
    }
  }

  get size(): number {
    return this.series.size;
  }

  /** Adds this model's samples to `families` (Prometheus wants each family's lines together). */
  render(model: string, version: string, families: Map<string, string[]>): void {
    for (const s of this.series.values()) {
      const name = promName(s.name);
      let lines = families.get(name);
      if (!lines) {
        lines = [`# HELP ${name} Handler metric ${s.name} (${s.unit}) recorded through context.metrics`, `# TYPE ${name} ${s.kind}`];
        families.set(name, lines);
      }
      const labels = { ...s.dims, model_name: model, model_version: version };
      const text = Object.entries(labels).map(([k, v]) => `${promName(k)}="${escapeLabel(v)}"`).join(',');
      lines.push(`${name}{${text}} ${s.value}`);
    }
  }
}

function promName(n: string): string {
  const s = n.replace(/[^A-Za-z0-9_:]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Every model's handler metrics, as Prometheus text (empty when no handler recorded any). */
export function handlerMetricsText(reg: { names(): string[]; allVersions(name: string): Array<{ name: string; version: string; handlerMetrics: HandlerMetrics }> }): string {
  const families = new Map<string, string[]>();
  for (const n of reg.names()) for (const e of reg.allVersions(n)) e.handlerMetrics.render(e.name, e.version, families);
  return families.size > 0 ? `${[...families.values()].flat().join('\n')}\n` : '';
}
