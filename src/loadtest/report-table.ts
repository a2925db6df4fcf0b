// The terminal summary: one row per level (sweep) or per model (sequential/random baselines).
import { table } from '../output.js';
import { formatSlo, sloLatency } from './slo.js';
import type { LatencySummary, LoadtestReport } from './types.js';

export const fmtMs = (v: number): string => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(1) : v.toFixed(2)) : '-');
const fmtRate = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

function errorsText(statuses: Record<string, number>, timeouts: number, connErrors = 0): string {
  const parts = Object.entries(statuses)
    .filter(([s]) => !s.startsWith('2'))
    .map(([s, n]) => `${s}×${n}`);
  if (timeouts) parts.push(`timeout×${timeouts}`);
  if (connErrors) parts.push(`conn×${connErrors}`);
  return parts.join(' ') || '0';
}

const latencyCells = (l: LatencySummary): string[] => [fmtMs(l.p50), fmtMs(l.p90), fmtMs(l.p95), fmtMs(l.p99), fmtMs(l.mean), fmtMs(l.max)];

export function reportText(report: LoadtestReport, outDir?: string): string {
  const lines: string[] = [];
  if (report.mode === 'sweep') {
    const headers = ['conc', 'req/s ok', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'mean ms', 'max ms', 'errors', 'gen busy'];
    if (report.slo) headers.push('slo');
    const rows = report.levels.map((l) => {
      const r = [String(l.concurrency), fmtRate(l.throughput), ...latencyCells(l.latencyMs), errorsText(l.statuses, l.timeouts, l.connectionErrors), `${Math.round(Math.max(l.generatorCpu, l.generatorEventLoop) * 100)}%`];
      if (report.slo) r.push(l.meetsSlo ? 'ok' : 'MISS');
      return r;
    });
    lines.push(table(headers, rows));
    lines.push('');
    if (report.knee) {
      const k = report.knee;
      const p = report.slo ? report.slo.percentile : 90;
      lines.push(
        `knee: concurrency ${k.concurrency}, ${fmtRate(k.throughput)} req/s at P${p} ${fmtMs(sloLatency(k.latencyMs, p))} ms` +
          (report.slo ? ` (SLO ${formatSlo(report.slo)})` : ' (highest throughput; no SLO given)'),
      );
    } else if (report.slo) {
      lines.push(`no level met the SLO ${formatSlo(report.slo)}`);
    }
    if (report.stopReason !== 'completed') lines.push(`sweep stopped early: ${report.stopReason}`);
  } else {
    const level = report.levels[0];
    if (level) {
      const rows = level.models.map((m) => [m.model, String(m.latencyMs.count), fmtMs(m.latencyMs.min), ...latencyCells(m.latencyMs), errorsText(m.statuses, m.timeouts)]);
      lines.push(`${report.mode} baseline: one request at a time, ${fmtRate(level.requestsPerSecond)} req/s overall`);
      lines.push(table(['model', 'n', 'min ms', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'mean ms', 'max ms', 'errors'], rows));
    }
  }
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  if (outDir) lines.push(`reports: ${outDir}/report.json, report.csv${report.mode === 'sweep' ? ', report.svg' : ''}`);
  return lines.join('\n');
}
