// report.csv in the shape of perf_analyzer's -f output, so existing spreadsheets and scripts read it:
// its columns are kept where mlserve measures them honestly (concurrency, inferences/second and the
// client-side p50/p90/p95/p99 in microseconds). The server-side breakdown (Client Send, Server Queue,
// Server Compute ...) needs server statistics mlserve's client does not have, so those are left out;
// extra columns follow the perf_analyzer ones. Rows are in concurrency order.
import type { LevelResult, LoadtestReport } from './types.js';

export const CSV_HEADER = [
  'Concurrency',
  'Inferences/Second',
  'p50 latency',
  'p90 latency',
  'p95 latency',
  'p99 latency',
  'Avg latency',
  'Max latency',
  'Requests/Second',
  'Responses',
  'Successes',
  'Non-2xx',
  'Timeouts',
  'Connection Errors',
  'Meets SLO',
] as const;

const us = (ms: number): string => (Number.isFinite(ms) ? String(Math.round(ms * 1000)) : '');
const num = (v: number): string => String(Math.round(v * 10) / 10);

function row(l: LevelResult): string[] {
  const lat = l.latencyMs;
  return [
    String(l.concurrency),
    num(l.throughput),
    us(lat.p50),
    us(lat.p90),
    us(lat.p95),
    us(lat.p99),
    us(lat.mean),
    us(lat.max),
    num(l.requestsPerSecond),
    String(l.responses),
    String(l.ok),
    String(l.responses - l.ok),
    String(l.timeouts),
    String(l.connectionErrors),
    l.meetsSlo === undefined ? '' : l.meetsSlo ? 'yes' : 'no',
  ];
}

export function reportCsv(report: LoadtestReport): string {
  const rows = [...report.levels].sort((a, b) => a.concurrency - b.concurrency).map(row);
  return `${[CSV_HEADER.join(','), ...rows.map((r) => r.join(','))].join('\n')}\n`;
}
