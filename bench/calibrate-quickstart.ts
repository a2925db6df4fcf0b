// The closing figure of issue 23: on the quickstart (run `npm run example` first; it leaves its
// files in out/quickstart), plans packed from traced profiles against plans packed from calibrated
// ones, at request rates where the two disagree: cost per hour, and the latency each plan's
// servers show when verified (`loadtest --verify`, open loop at every model's planned rate).
// The models are calibrated once (capacity does not depend on the rate); each rate's profiles are
// then written with util = rate × (traced busy ms per request ÷ 10), trace's formula, and
// util = rate ÷ (capacity per vCPU) × 100, calibrate's — the same figures `trace --rps R` and
// `calibrate --rps-per-model R` write. Packed on c5 types only: this machine measures its CPU, and
// the inf1/g4dn figures would be catalog estimates either way. Every other step is the mlserve
// command a user would type. Writes bench/results/calibrate-quickstart.json.
// Besides the verified rates, the plans alone (no deployment) at more rates show where the two
// bases part: pack's cost per hour from each.
// Usage: node dist/bench/calibrate-quickstart.js [out/quickstart] [slo=p90=100ms] [verified rates=100,200]
//          [packed rates=50,100,200,300,400,800,1600]   (MLSERVE_BENCH_REUSE=1: keep profiles-calibrated.yaml)
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { runCliStep } from '../src/pipeline/run-cli-step.js';
import { readPlan } from '../src/formats/plan.js';
import { readProfiles, writeProfiles, type ModelProfile } from '../src/formats/profiles.js';
import { writeFileAtomic } from '../src/fs/atomic.js';
import type { VerifyReport } from '../src/loadtest/verify.js';

const dir = process.argv[2] ?? 'out/quickstart';
const slo = process.argv[3] ?? 'p90=100ms';
const rates = (process.argv[4] ?? '100,200').split(',').map(Number);
const packRates = (process.argv[5] ?? '50,100,200,300,400,800,1600').split(',').map(Number);
const payloads = 'examples/quickstart/payloads';
const pack = ['--max-util', '83', '--instance-types', 'c5.large,c5.xlarge,c5.2xlarge', '--time-limit', '20s'];

/** The profiles at another rate: util (and vcpus) is proportional to the rate in both formulas. */
async function atRate(src: string, dest: string, rps: number): Promise<void> {
  const doc = await readProfiles(src);
  const scale = (p: ModelProfile): ModelProfile => {
    const k = rps / p.measured!.rps!;
    const c5 = p.resources.c5!;
    return { ...p, resources: { ...p.resources, c5: { ...c5, util: +(c5.util * k).toPrecision(4), vcpus: +((c5.util * k) / 100).toPrecision(4) } }, measured: { ...p.measured, rps } };
  };
  await writeProfiles(dest, { ...doc, models: doc.models.map(scale) });
}

async function planAndVerify(basis: string, profiles: string, rps: number) {
  const tag = `${basis}-${rps}`;
  const plan = join(dir, `plan-${tag}.yaml`);
  const deployDir = join(dir, `deploy-${tag}`);
  const verifyDir = join(dir, `verify-${tag}`);
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
  const planned = p.instances.flatMap((i) => i.servers.flatMap((s) => s.models));
  return {
    basis,
    rps,
    costPerHour: p.totals.costPerHour,
    instances: p.instances.map((i) => i.type),
    plannedVcpus: +(planned.reduce((a, m) => a + m.util, 0) / 100).toFixed(2),
    verified: v.ok,
    failed: v.failed,
    models: Object.fromEntries(v.models.map((m) => [m.model, { util: planned.find((x) => x.name === m.model)?.util, p50Ms: +m.latencyMs.p50.toFixed(1), p90Ms: +m.latencyMs.p90.toFixed(1), ok: m.ok, scheduled: m.scheduled }])),
  };
}

async function packOnly(basis: string, rps: number) {
  const profiles = join(dir, `profiles-${basis}-${rps}.yaml`);
  await atRate(basis === 'traced' ? join(dir, 'profiles.yaml') : calibrated, profiles, rps);
  const plan = join(dir, `plan-${basis}-${rps}.yaml`);
  try {
    await runCliStep(['pack', '--profiles', profiles, ...pack, '--out', plan]);
  } catch (e) {
    // A model that needs more than the largest type allowed: the profile says it needs replicas.
    if ((e as { code?: string }).code !== 'MLS_ERR_PACK_MODEL_TOO_LARGE') throw e;
    return { costPerHour: Number.NaN, instances: `${(e as Error).message.match(/model "([^"]+)"/)?.[1] ?? 'a model'} fits no allowed type` };
  }
  const p = await readPlan(plan);
  return { costPerHour: p.totals.costPerHour, instances: p.instances.map((i) => i.type).join('+') };
}

const t0 = Date.now();
const calibrated = join(dir, 'profiles-calibrated.yaml');
const reuse = process.env['MLSERVE_BENCH_REUSE'] === '1';
const calibrateArgs = ['calibrate', '--profiles', join(dir, 'profiles.yaml'), '--out', calibrated, '--slo', slo, '--batch-sizes', '1,8', '--workers', '1,2', '--duration', '1500ms', '--warmup', '500ms', '--payload-dir', payloads];
const cal = reuse ? { value: { models: (await readProfiles(calibrated)).models.map((m) => ({ name: m.name, capacity: m.measured?.capacity, config: m.measured?.config })) } } : await runCliStep(calibrateArgs);
const calibrateSeconds = (Date.now() - t0) / 1000;
const runs = [];
for (const rps of rates) {
  await atRate(join(dir, 'profiles.yaml'), join(dir, `profiles-traced-${rps}.yaml`), rps);
  await atRate(calibrated, join(dir, `profiles-calibrated-${rps}.yaml`), rps);
  for (const basis of ['traced', 'calibrated']) runs.push(await planAndVerify(basis, join(dir, `profiles-${basis}-${rps}.yaml`), rps));
}
const packed = [];
for (const rps of packRates) packed.push({ rps, traced: await packOnly('traced', rps), calibrated: await packOnly('calibrated', rps) });
const result = { slo, machine: { cpus: cpus().length, loadAverage: +loadavg()[0]!.toFixed(1) }, calibrateSeconds, calibration: (cal.value as { models: unknown[] }).models, runs, packed };
await writeFileAtomic('bench/results/calibrate-quickstart.json', `${JSON.stringify(result, null, 2)}\n`);
console.log(`quickstart, SLO ${slo} at each model's planned rate (open loop), ${cpus().length} CPUs, load average ${result.machine.loadAverage}; calibrate took ${calibrateSeconds.toFixed(0)} s${reuse ? ' (reused)' : ''}`);
console.log('plans alone (req/s per model: traced | calibrated):');
for (const x of packed) console.log(`  ${String(x.rps).padStart(5)}: $${x.traced.costPerHour}/h ${x.traced.instances} | $${x.calibrated.costPerHour}/h ${x.calibrated.instances}`);
for (const r of runs) {
  console.log(`${String(r.rps).padStart(4)} req/s/model ${r.basis.padEnd(10)} $${r.costPerHour}/h  ${r.instances.join(', ')}  planned ${r.plannedVcpus} vCPU  verified: ${r.verified ? 'yes' : `no (${r.failed.join(', ')})`}`);
  for (const [m, x] of Object.entries(r.models)) console.log(`    ${m.padEnd(18)} util ${String(x.util).padStart(7)}%  p50 ${x.p50Ms} ms  p90 ${x.p90Ms} ms  ok ${x.ok}/${x.scheduled}`);
}
