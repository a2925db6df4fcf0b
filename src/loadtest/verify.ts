// `loadtest --verify plan.yaml`: the deployed plan under the load it was planned for. Every model
// copy on every server gets an open-loop stream at its planned rate (the plan's `rps`, the rate its
// util was computed at), all at once as in production, and each is judged against the SLO with
// latency from the scheduled send time. The servers that miss it are named.
import { join } from 'node:path';
import { MlsError } from '../errors.js';
import { readPlan } from '../formats/plan.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { runOpenLoop, type OpenLoopStats, type OpenLoopTarget } from './open-loop.js';
import { formatSlo, sloLatency } from './slo.js';
import { readDeployment } from '../formats/deployment.js';
import type { ModelRequest, Slo } from './types.js';

/** Failed share of requests a verified model may have when the SLO sets no errors=PCT. */
export const DEFAULT_VERIFY_MAX_ERRORS = 0.01;
/** Send lag (p99) above this share of the SLO threshold is reported with a failure: the client may share the blame. */
const LAG_SHARE = 0.1;

export interface VerifyOptions {
  plan: string;
  deployment: string;
  slo: Slo;
  durationMs: number;
  warmupMs: number;
  timeoutMs: number;
  /** The request of each model copy, as `loadtest --deployment` builds them (payloads included). */
  requests: ModelRequest[];
  outDir?: string;
}

export interface VerifiedModel extends OpenLoopStats {
  server: string;
  meetsSlo: boolean;
  /** Why it failed: latency, errors, or the generator could not hold the rate. */
  reason?: string;
}

export interface VerifyReport {
  apiVersion: 'mlserve/v1';
  kind: 'VerifyReport';
  createdAt: string;
  plan: string;
  slo: string;
  durationMs: number;
  warmupMs: number;
  ok: boolean;
  /** server/model of every copy that missed the SLO at its planned rate. */
  failed: string[];
  models: VerifiedModel[];
  warnings: string[];
}

/** The open-loop targets: one per model copy the deployment serves, at the rate the plan gave it. */
export async function verifyTargets(o: Pick<VerifyOptions, 'plan' | 'deployment' | 'requests'>): Promise<Array<OpenLoopTarget & { server: string }>> {
  const [plan, dep] = await Promise.all([readPlan(o.plan), readDeployment(o.deployment)]);
  const planned = new Map(plan.instances.flatMap((i) => i.servers.map((s) => [s.name, s] as const)));
  const targets: Array<OpenLoopTarget & { server: string }> = [];
  for (const server of dep.servers) {
    const ps = planned.get(server.name);
    if (!ps) throw new MlsError('MLS_ERR_VERIFY_PLAN_MISMATCH', { serverNotPlanned: { name: server.name, deployment: o.deployment, plan: o.plan } }, { details: { server: server.name } });
    for (const m of server.models) {
      const pm = ps.models.find((x) => x.name === m.name);
      if (!pm) throw new MlsError('MLS_ERR_VERIFY_PLAN_MISMATCH', { modelNotPlanned: { name: m.name, name2: server.name, plan: o.plan } }, { details: { server: server.name, model: m.name } });
      if (pm.rps === undefined || pm.rps <= 0) {
        throw new MlsError('MLS_ERR_VERIFY_NO_RATE', { name: m.name, plan: o.plan }, { details: { model: m.name } });
      }
      const origin = new URL(server.inference).origin;
      const request = o.requests.find((r) => r.model === m.name && r.origin === origin);
      if (!request) throw new MlsError('MLS_ERR_VERIFY_PLAN_MISMATCH', { noRequest: { name: m.name, name2: server.name } }, { details: { server: server.name, model: m.name } });
      targets.push({ key: `${server.name}/${m.name}`, server: server.name, request, rate: pm.rps });
    }
  }
  if (targets.length === 0) throw new MlsError('MLS_ERR_LOADTEST_NO_MODELS', { deploymentEmpty: { file: o.deployment } });
  return targets;
}

export function judge(s: OpenLoopStats, slo: Slo): { meetsSlo: boolean; reason?: string } {
  const maxErrors = slo.maxErrorRate ?? DEFAULT_VERIFY_MAX_ERRORS;
  const lat = sloLatency(s.latencyMs, slo.percentile);
  let reason: string | undefined;
  if (s.ok === 0) reason = 'no successful answer';
  else if (s.errorRate > maxErrors) reason = `${(s.errorRate * 100).toFixed(1)}% of requests failed`;
  else if (!(lat <= slo.thresholdMs)) reason = `p${slo.percentile} ${lat.toFixed(1)} ms > ${slo.thresholdMs} ms`;
  if (!reason) return { meetsSlo: true };
  // Latency counts from the scheduled time, so a late generator only makes a pass harder: a pass
  // stands, but a failure with a late generator may be partly the client's, and says so.
  if (s.sendLagMs.p99 > slo.thresholdMs * LAG_SHARE) reason += ` (the load generator was late too: p99 send lag ${s.sendLagMs.p99.toFixed(1)} ms)`;
  return { meetsSlo: false, reason };
}

export async function verifyPlan(o: VerifyOptions, signal?: AbortSignal): Promise<VerifyReport> {
  const targets = await verifyTargets(o);
  const stats = await runOpenLoop(
    { targets, durationMs: o.durationMs, warmupMs: o.warmupMs, timeoutMs: o.timeoutMs, percentiles: [o.slo.percentile] },
    signal,
  );
  if (signal?.aborted) throw new MlsError('MLS_ERR_INTERRUPTED', { verify: {} });
  const models: VerifiedModel[] = stats.map((s, i) => ({ server: targets[i]!.server, ...s, ...judge(s, o.slo) }));
  const warnings = models.filter((m) => m.reason?.includes('load generator was late')).map((m) => `${m.key}: ${m.reason}`);
  const report: VerifyReport = {
    apiVersion: 'mlserve/v1',
    kind: 'VerifyReport',
    createdAt: new Date().toISOString(),
    plan: o.plan,
    slo: formatSlo(o.slo),
    durationMs: o.durationMs,
    warmupMs: o.warmupMs,
    ok: models.every((m) => m.meetsSlo),
    failed: models.filter((m) => !m.meetsSlo).map((m) => m.key),
    models,
    warnings,
  };
  if (o.outDir) await writeFileAtomic(join(o.outDir, 'verify.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

export function verifyText(r: VerifyReport): string {
  const lines = [`verify ${r.plan} at the planned rates, SLO ${r.slo}: ${r.ok ? 'met by every server' : `missed by ${r.failed.length}`}`];
  for (const m of r.models) {
    const lat = m.latencyMs;
    lines.push(
      `  ${m.meetsSlo ? 'ok  ' : 'FAIL'} ${m.key}  ${m.rate} req/s planned, ${m.throughput.toFixed(1)} ok/s  p50 ${lat.p50.toFixed(1)} ms  p90 ${lat.p90.toFixed(1)} ms  p99 ${lat.p99.toFixed(1)} ms` +
        `${m.reason ? `  (${m.reason})` : ''}`,
    );
  }
  return lines.join('\n');
}
