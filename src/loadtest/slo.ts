// The service-level objective a sweep is judged against (--slo p90=100ms[,errors=1%]) and the knee:
// the load level with the highest throughput that still meets it.
import { MlsError, reasonOf } from '../errors.js';
import { parseDurationMs } from '../units.js';
import type { LatencySummary, LevelResult, Percentile, Slo } from './types.js';

export function parseSlo(text: string): Slo {
  let latency: { percentile: Percentile; thresholdMs: number } | undefined;
  let maxErrorRate: number | undefined;
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(p[\d.]+|errors)\s*=\s*(.+)$/i.exec(part);
    if (!m) throw new MlsError('MLS_ERR_LOADTEST_BAD_SLO', { syntax: { part } });
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (key === 'errors') {
      const pct = Number(value.replace(/%$/, ''));
      if (!value.endsWith('%') || !Number.isFinite(pct) || pct < 0 || pct > 100) {
        throw new MlsError('MLS_ERR_LOADTEST_BAD_SLO', { errorsPercentage: { value } });
      }
      maxErrorRate = pct / 100;
      continue;
    }
    const p: Percentile = Number(key.slice(1));
    if (!/^p\d+(\.\d+)?$/.test(key) || !(p > 0 && p <= 100)) {
      throw new MlsError('MLS_ERR_LOADTEST_BAD_SLO', { percentile: { key } });
    }
    let thresholdMs: number;
    try {
      thresholdMs = parseDurationMs(value, `--slo ${key}`);
    } catch (e) {
      throw new MlsError('MLS_ERR_LOADTEST_BAD_SLO', { duration: { reason: reasonOf(e) } });
    }
    if (thresholdMs <= 0) throw new MlsError('MLS_ERR_LOADTEST_BAD_SLO', { thresholdZero: { key } });
    latency = { percentile: p, thresholdMs };
  }
  if (!latency) throw new MlsError('MLS_ERR_LOADTEST_BAD_SLO', { noLatency: { text } });
  return maxErrorRate === undefined ? latency : { ...latency, maxErrorRate };
}

export function sloLatency(l: LatencySummary, p: Percentile): number {
  if (p === 50) return l.p50;
  if (p === 90) return l.p90;
  if (p === 95) return l.p95;
  if (p === 99) return l.p99;
  return l.at?.[String(p)] ?? Number.NaN;
}

/** A level meets the SLO when it served something, its percentile is within target and errors are in budget. */
export function meetsSlo(level: LevelResult, slo: Slo): boolean {
  if (level.ok === 0) return false;
  if (!(sloLatency(level.latencyMs, slo.percentile) <= slo.thresholdMs)) return false;
  return slo.maxErrorRate === undefined || level.errorRate <= slo.maxErrorRate;
}

/** The highest-throughput level meeting the SLO, or the highest-throughput level when there is no SLO. */
export function findKnee(levels: LevelResult[], slo: Slo | undefined): LevelResult | undefined {
  let best: LevelResult | undefined;
  for (const l of levels) {
    if (l.ok === 0) continue;
    if (slo && !meetsSlo(l, slo)) continue;
    if (!best || l.throughput > best.throughput) best = l;
  }
  return best;
}

export function formatSlo(slo: Slo): string {
  const errs = slo.maxErrorRate === undefined ? '' : `,errors=${+(slo.maxErrorRate * 100).toFixed(4)}%`;
  return `p${slo.percentile}=${slo.thresholdMs}ms${errs}`;
}
