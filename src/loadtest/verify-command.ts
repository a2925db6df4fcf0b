// What `loadtest --verify plan.yaml` does after parsing: build the requests as a load test of the
// deployment would (same payloads), run the open-loop verification, write verify.json, print, and
// fail with MLS_ERR_VERIFY_FAILED naming the servers that missed the SLO.
import { MlsError } from '../errors.js';
import { printResult } from '../output.js';
import { resolveLoadtestOptions, type LoadtestFlags } from './options.js';
import { verifyPlan, verifyText } from './verify.js';

export interface VerifyFlags extends LoadtestFlags {
  plan: string;
  out?: string;
  json?: boolean;
}

export async function verifyCommandRun(f: VerifyFlags): Promise<void> {
  if (!f.deployment) throw new MlsError('MLS_ERR_LOADTEST_NO_TARGET', { verifyNeedsDeployment: {} });
  if (!f.slo) throw new MlsError('MLS_ERR_LOADTEST_BAD_SLO', { verifyNeedsSlo: {} });
  const lt = await resolveLoadtestOptions({ ...f, models: [], mode: 'sequential' });
  const outDir = f.out ?? `loadtest-results/${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  let report;
  try {
    report = await verifyPlan(
      { plan: f.plan, deployment: f.deployment, slo: lt.slo!, durationMs: lt.durationMs, warmupMs: lt.warmupMs, timeoutMs: lt.timeoutMs, requests: lt.targets, outDir },
      abort.signal,
    );
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  const json = Boolean(f.json);
  if (!report.ok) {
    if (!json) printResult({ json, value: report, text: verifyText });
    throw new MlsError('MLS_ERR_VERIFY_FAILED', { missed: { failedCount: report.failed.length, slo: report.slo, failed: report.failed.join(', ') } }, {
      details: { failed: report.failed, report: `${outDir}/verify.json`, models: report.models.filter((m) => !m.meetsSlo).map((m) => ({ key: m.key, reason: m.reason, latencyMs: m.latencyMs, rate: m.rate })) },
    });
  }
  printResult({ json, value: report, text: verifyText });
}
