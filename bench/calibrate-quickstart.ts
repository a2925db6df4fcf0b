// The closing figure of issue 23: on the quickstart (run `npm run example` first; it leaves its
// files in out/quickstart), the plan packed from traced profiles against the plan packed from
// calibrated ones: cost per hour, and the latency each plan's servers show when verified
// (`loadtest --verify`, open loop at every model's planned rate). Every step is the mlserve
// command a user would type. Writes bench/results/calibrate-quickstart.json.
// Usage: node dist/bench/calibrate-quickstart.js [out/quickstart] [slo=p90=100ms]
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { runCliStep } from '../src/pipeline/run-cli-step.js';
import { readPlan } from '../src/formats/plan.js';
import { writeFileAtomic } from '../src/fs/atomic.js';
import type { VerifyReport } from '../src/loadtest/verify.js';

const dir = process.argv[2] ?? 'out/quickstart';
const slo = process.argv[3] ?? 'p90=100ms';
const payloads = 'examples/quickstart/payloads';
const pack = ['--max-mem', '7.4GB', '--max-util', '83', '--instance-types', 'inf1.xlarge,inf1.2xlarge,g4dn.xlarge,c5.xlarge', '--time-limit', '20s'];

async function planAndVerify(basis: string, profiles: string) {
  const plan = join(dir, `plan-${basis}.yaml`);
  const deployDir = join(dir, `deploy-${basis}`);
  const verifyDir = join(dir, `verify-${basis}`);
  await runCliStep(['pack', '--profiles', profiles, ...pack, '--out', plan]);
  await runCliStep(['deploy', '--plan', plan, '--runtime', 'local', '--out', deployDir]);
  try {
    await runCliStep(['loadtest', '--verify', plan, '--deployment', join(deployDir, 'deployment.yaml'), '--slo', slo, '--duration', '5s', '--warmup', '1s', '--payload-dir', payloads, '--out', verifyDir]);
  } catch (e) {
    if ((e as { code?: string }).code !== 'MLS_ERR_VERIFY_FAILED') throw e;
  } finally {
    await runCliStep(['deploy', '--down', '--plan', plan, '--runtime', 'local', '--out', deployDir]);
  }
  const p = await readPlan(plan);
  const v = JSON.parse(await readFile(join(verifyDir, 'verify.json'), 'utf8')) as VerifyReport;
  return {
    basis,
    costPerHour: p.totals.costPerHour,
    instances: p.instances.map((i) => i.type),
    verified: v.ok,
    failed: v.failed,
    models: Object.fromEntries(v.models.map((m) => [m.model, { rps: m.rate, util: p.instances.flatMap((i) => i.servers.flatMap((s) => s.models)).find((x) => x.name === m.model)?.util, p50Ms: +m.latencyMs.p50.toFixed(2), p90Ms: +m.latencyMs.p90.toFixed(2), p99Ms: +m.latencyMs.p99.toFixed(2) }])),
  };
}

const traced = await planAndVerify('traced', join(dir, 'profiles.yaml'));
const t0 = Date.now();
const cal = await runCliStep(['calibrate', '--profiles', join(dir, 'profiles.yaml'), '--out', join(dir, 'profiles-calibrated.yaml'), '--slo', slo, '--batch-sizes', '1,8', '--workers', '1,2', '--duration', '1500ms', '--warmup', '500ms', '--payload-dir', payloads]);
const calibrateSeconds = (Date.now() - t0) / 1000;
const calibrated = await planAndVerify('calibrated', join(dir, 'profiles-calibrated.yaml'));
const result = { slo, machine: { cpus: cpus().length, loadAverage: +loadavg()[0]!.toFixed(1) }, calibrateSeconds, calibration: (cal.value as { models: unknown[] }).models, traced, calibrated };
await writeFileAtomic('bench/results/calibrate-quickstart.json', `${JSON.stringify(result, null, 2)}\n`);
console.log(`quickstart, SLO ${slo} at each model's planned rate (open loop), ${cpus().length} CPUs, load average ${result.machine.loadAverage}`);
for (const r of [traced, calibrated]) {
  console.log(`${r.basis.padEnd(10)} $${r.costPerHour}/h  ${r.instances.join(', ')}  verified: ${r.verified ? 'yes' : `no (${r.failed.join(', ')})`}`);
  for (const [m, x] of Object.entries(r.models)) console.log(`  ${m.padEnd(18)} util ${String(x.util).padStart(7)}%  p50 ${x.p50Ms} ms  p90 ${x.p90Ms} ms  p99 ${x.p99Ms} ms`);
}
console.log(`calibrate took ${calibrateSeconds.toFixed(0)} s`);
