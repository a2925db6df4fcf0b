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
  const files = [r.files.modelStore, r.files.profiles, r.files.plan, r.files.planSvg, r.files.deployment, r.files.report].filter((f) => existsSync(f));
  if (files.length) lines.push('', 'files:', ...files.map((f) => `  ${rel(f)}`));
  if (existsSync(r.files.report)) {
    const text = reportSummary(r.files.report);
    if (text) lines.push('', text);
  }
  if (r.error) lines.push('', `error ${r.error.code}: ${String(r.error.message)}`);
  return lines.join('\n');
}

/** A short table of the load test's levels, read from report.json (whatever levels it holds). */
function reportSummary(path: string): string | undefined {
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { levels?: Array<Record<string, unknown>>; knee?: Record<string, unknown> | null };
    if (!Array.isArray(doc.levels) || doc.levels.length === 0) return undefined;
    const num = (v: unknown, d = 2) => (typeof v === 'number' ? v.toFixed(d) : '');
    const rows = doc.levels.map((l) => {
      const lat = (l.latency ?? l) as Record<string, unknown>;
      return [String(l.concurrency ?? ''), num(l.throughput ?? l.rps, 1), num(lat.p50Ms ?? lat.p50), num(lat.p90Ms ?? lat.p90), num(lat.p95Ms ?? lat.p95), String(l.errors ?? '')];
    });
    return ['load test:', table(['concurrency', 'req/s', 'p50 ms', 'p90 ms', 'p95 ms', 'errors'], rows)].join('\n');
  } catch {
    return undefined;
  }
}
