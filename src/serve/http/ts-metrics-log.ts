// metrics_mode=log: TorchServe's frontend metrics written as its ts_metrics.log lines,
//   Requests2XX.Count:3.0|#Level:Host|#hostname:box,timestamp:1733350000
// instead of being served on /metrics. TorchServe writes a line at every update; mlserve writes,
// every interval, one line per series that changed: a counter's increase since the last line, a
// gauge's current value. The request path then costs no logging, and a log-based metric agent that
// sums counters or keeps the last gauge value reads the same totals.
import type { Logger } from '../../log.js';
import type { Registry } from '../frontend/registry.js';
import { TS_FAMILIES, type Family } from './ts-metrics.js';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';

export interface TsMetricsLogOptions {
  /** The hostname dimension of every line. */
  hostname: string;
  /** The families written (default: all of TorchServe's frontend families). */
  families?: Family[];
  /** The interval timer and the lines' epoch timestamps (tests give a FakeClock). */
  clock?: Clock;
}

/** Java's Double.toString for the values we write: integers keep a ".0". */
function javaDouble(v: number): string {
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

export class TsMetricsLog {
  private readonly last = new Map<string, number>();
  private timer?: TimerHandle;
  private readonly clock: Clock;

  constructor(
    private readonly reg: Registry,
    private readonly write: (line: string) => void,
    private readonly opts: TsMetricsLogOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
  }

  start(intervalMs: number): void {
    this.timer = this.clock.setInterval(() => this.flush(), intervalMs).unref();
  }

  /** Writes the lines for what changed since the last call; returns them (tests). */
  flush(): string[] {
    const ts = Math.floor(this.clock.epochMs() / 1000);
    const lines: string[] = [];
    for (const f of this.opts.families ?? TS_FAMILIES) {
      for (const [values, v] of f.samples(this.reg, this.opts.hostname)) {
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
    this.clock.clearTimer(this.timer);
    this.flush();
  }
}

export function startTsMetricsLog(reg: Registry, log: Logger, intervalMs: number, opts: TsMetricsLogOptions): TsMetricsLog {
  const m = new TsMetricsLog(reg, (line) => log.info(line), opts);
  m.start(intervalMs);
  return m;
}
