// The pipeline's closing summary for people: the steps, the files, and the load test's figures.
import { readFileSync, existsSync } from 'node:fs';
import { relative } from 'node:path';
import { table } from '../output.js';
import type { PipelineResult } from './run-pipeline.js';

export function summaryText(r: PipelineResult): string {
  const rel = (p: string) => relative(process.cwd(), p) || '.';
  const lines: string[] = [];
  lines.push(`pipeline ${r.name}: ${r.ok ? 'succeeded' : 'failed'} in ${(r.totalMs / 1000).toFixed(1)}s`);
  lines.push(
    table(
      ['step', 'status', 'time', 'detail'],
      r.steps.map((s) => [s.name, s.status, s.ms !== undefined ? `${(s.ms / 1000).toFixed(1)}s` : '', s.error ? `${s.error.code}` : (s.detail ?? '')]),
    ),
  );
  const files = [r.files.modelStore, r.files.profiles, r.files.calibratedProfiles, r.files.plan, r.files.planSvg, r.files.deployment, r.files.report, r.files.verifyReport].filter((f) => existsSync(f));
  if (files.length) lines.push('', 'files:', ...files.map((f) => `  ${rel(f)}`));
  // Only a report this run wrote: an older one may sit in the folder from a previous run.
  if (r.steps.some((s) => s.name === 'loadtest' && s.status === 'done') && existsSync(r.files.report)) {
    const text = reportSummary(r.files.report);
    if (text) lines.push('', text);
  }
  if (r.rounds) {
    const rows = r.rounds.map((x) => [String(x.round), `$${x.costPerHour}/h`, String(x.instances), x.verified ? 'met' : 'missed', x.latencyMs !== undefined ? `${x.latencyMs} ms` : '', x.failed.join(', ')]);
    const slo = r.rounds.find((x) => x.slo)?.slo;
    lines.push('', `calibration loop (${r.loopStop}):`, table(['round', 'cost', 'instances', 'SLO at planned load', `worst ${slo ? slo.split('=')[0] : 'latency'}`, 'missed by'], rows));
  }
  if (r.error) lines.push('', `error ${r.error.code}: ${String(r.error.message)}`);
  return lines.join('\n');
}

/** The load test's levels and knee, read from report.json (format of src/loadtest). */
function reportSummary(path: string): string | undefined {
  type Lat = { p50?: number; p90?: number; p95?: number; p99?: number };
  type Level = { concurrency?: number; throughput?: number; responses?: number; ok?: number; latencyMs?: Lat };
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { levels?: Level[]; knee?: Level | null; slo?: unknown };
    if (!Array.isArray(doc.levels) || doc.levels.length === 0) return undefined;
    const num = (v: unknown, d = 2) => (typeof v === 'number' ? v.toFixed(d) : '');
    const rows = doc.levels.map((l) => [
      String(l.concurrency ?? ''),
      num(l.throughput, 1),
      num(l.latencyMs?.p50),
      num(l.latencyMs?.p90),
      num(l.latencyMs?.p95),
      num(l.latencyMs?.p99),
      String((l.responses ?? 0) - (l.ok ?? 0)),
    ]);
    const lines = ['load test:', table(['concurrency', 'req/s', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'errors'], rows)];
    if (doc.knee) lines.push(`knee: ${num(doc.knee.throughput, 1)} req/s at concurrency ${doc.knee.concurrency} (p90 ${num(doc.knee.latencyMs?.p90)} ms)`);
    return lines.join('\n');
  } catch {
    return undefined;
  }
}
