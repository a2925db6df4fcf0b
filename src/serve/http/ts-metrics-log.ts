// metrics_mode=log: TorchServe's frontend metrics written as its ts_metrics.log lines,
//   Requests2XX.Count:3.0|#Level:Host|#hostname:box,timestamp:1733350000
// instead of being served on /metrics. TorchServe writes a line at every update; mlserve writes,
// every interval, one line per series that changed: a counter's increase since the last line, a
// gauge's current value. The request path then costs no logging, and a log-based metric agent that
// sums counters or keeps the last gauge value reads the same totals.
import type { Logger } from '../../log.js';
import type { Registry } from '../frontend/registry.js';
import { TS_FAMILIES, type Family } from './ts-metrics.js';

/** Java's Double.toString for the values we write: integers keep a ".0". */
function javaDouble(v: number): string {
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

export class TsMetricsLog {
  private readonly last = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly reg: Registry,
    private readonly hostname: string,
    private readonly write: (line: string) => void,
    private readonly now: () => number = Date.now,
    private readonly families: Family[] = TS_FAMILIES,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Writes the lines for what changed since the last call; returns them (tests). */
  flush(): string[] {
    const ts = Math.floor(this.now() / 1000);
    const lines: string[] = [];
    for (const f of this.families) {
      for (const [values, v] of f.samples(this.reg, this.hostname)) {
        const key = `${f.name}|${values.join('|')}`;
        const before = this.last.get(key);
        const out = f.kind === 'counter' ? v - (before ?? 0) : v;
        if (before === v || (f.kind === 'counter' && out <= 0)) continue;
        this.last.set(key, v);
        const dims = f.labels.slice(0, -1).map((l, i) => `${l}:${values[i]}`).join(',');
        lines.push(`${f.name}.${f.unit}:${javaDouble(out)}|#${dims}|#hostname:${values.at(-1)},timestamp:${ts}`);
      }
    }
    for (const l of lines) this.write(l);
    return lines;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }
}

export function startTsMetricsLog(reg: Registry, hostname: string, log: Logger, intervalMs: number, families: Family[] = TS_FAMILIES): TsMetricsLog {
  const m = new TsMetricsLog(reg, hostname, (line) => log.info(line), Date.now, families);
  m.start(intervalMs);
  return m;
}
