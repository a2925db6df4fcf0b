// Benchmarks of `mlserve pack`'s solver: (a) the AWS blog's 3,000 bert-base-cased models,
// (b) 78 and (c) 500 distinct random models on inf1 + g4dn under 7.4 GB / 83 %, (d) BPPLIB 1-D
// and vector bin-packing instances with known optima, (e) realistic fleets over the whole default
// catalog (bench/realistic-profiles.ts: distinct models, groups of copies, replicas: 2; 50, 200
// and 1,000 models, several seeds), (f) the spot scenario (bench/pack-spot.ts). Prints a table,
// writes bench/results/pack.json.
// Usage: node dist/bench/pack.js [--only REGEX] [--limit-1d 10s] [--limit-vector 10s] [--limit-realistic 30s] [--skip-benchmarks] [--without 'METHOD,…'] [--out FILE] [--merge]
// --without leaves solver methods out by name (strategies, worker steps, 'bin completion',
// 'reduced-cost search', 'LP rounding'): what each adds, measured (src/pack/README.md).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildProblem } from '../src/pack/model/build-problem.js';
import { loadDefaultCatalog } from '../src/pack/model/catalog-load.js';
import { readBenchmark } from './bpplib-instances.js';
import { price } from '../src/pack/exact/pricing.js';
import { solvePacking } from '../src/pack/solve/solver.js';
import { spotScenario } from './pack-spot.js';
import { randomProfiles } from './random-profiles.js';
import type { Problem } from '../src/pack/model/problem.js';
import type { ModelProfiles } from '../src/formats/profiles.js';
import { writeFileAtomic } from '../src/fs/atomic.js';
import { table } from '../src/output.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { parseDurationMs } from '../src/units.js';
import { FLEET_SHAPES, realisticProfiles } from './realistic-profiles.js';

const BENCH_DIR = '/work/shared/packing-benchmarks';
const GB = 1e9;
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = flag('--only') ? new RegExp(flag('--only')!) : null;
const limit1d = parseDurationMs(flag('--limit-1d') ?? '10s'); // 3 s until the 1-D fast path
const limitVector = parseDurationMs(flag('--limit-vector') ?? '10s'); // 2 s until the vector search and exact vector pricing (2026-11-22)
const limitRealistic = parseDurationMs(flag('--limit-realistic') ?? '30s');
const without = flag('--without')?.split(',').map((m) => m.trim()).filter(Boolean) ?? [];

interface Row {
  case: string;
  objective: string;
  value: number;
  lowerBound: number;
  known?: number;
  gap: number;
  optimal: boolean;
  seconds: number;
  method: string;
  note?: string;
}
const rows: Row[] = [];

async function run(name: string, p: Problem, limitMs: number, known?: number, note?: string): Promise<Row> {
  const r = await solvePacking(p, { timeLimitMs: limitMs, without });
  const row: Row = {
    case: name,
    objective: p.objective,
    value: +r.objectiveValue.toFixed(4),
    lowerBound: +r.lowerBound.toFixed(4),
    ...(known !== undefined ? { known } : {}),
    gap: +r.gap.toFixed(5),
    optimal: r.optimal,
    seconds: +r.seconds.toFixed(2),
    method: r.method,
    ...(note ? { note } : {}),
  };
  rows.push(row);
  console.log(`${name}: ${row.value} (bound ${row.lowerBound}${known !== undefined ? `, known ${known}` : ''}) ${row.optimal ? 'optimal' : `gap ${(row.gap * 100).toFixed(2)}%`} in ${row.seconds}s`);
  return row;
}

const BLOG_TYPES = ['inf1.xlarge', 'inf1.2xlarge', 'inf1.6xlarge', 'g4dn.xlarge', 'g4dn.12xlarge'];

function bertProfiles(n: number): ModelProfiles {
  // bert-base-cased as a server would hold it: 0.3 GB on an Inferentia chip at 3.4 % of it,
  // 0.41 GB of T4 memory at 4.1 %, 0.66 GB of host memory each (see default-catalog.yaml [reserve])
  const resources = { inf1: { memory: 0.3 * GB, util: 3.4, hostMemory: 0.66 * GB }, g4dn: { memory: 0.41 * GB, util: 4.1, hostMemory: 0.66 * GB } };
  return { apiVersion: 'mlserve/v1', kind: 'ModelProfiles', models: Array.from({ length: n }, (_, i) => ({ name: `bert-${i}`, replicas: 1, resources })) };
}

async function modelCases(): Promise<void> {
  const catalog = await loadDefaultCatalog();
  const base = { catalog, instanceTypes: BLOG_TYPES, maxMemory: 7.4 * GB, maxUtil: 83, objective: 'cost' as const };
  if (!only || only.test('reference')) {
    const p = buildProblem({ ...base, profiles: bertProfiles(3000) });
    const perType = p.bins.map((b, t) => `${b.name} ${price(p, t, [1]).value}`).join(', ');
    console.log(`models per instance (blog: inf1.xlarge 11, inf1.2xlarge 24, inf1.6xlarge 76, g4dn.xlarge 18, g4dn.12xlarge 72): ${perType}`);
    await run('a: 3000 × bert-base-cased, cost', p, 10_000, undefined, `blog: 40 × inf1.6xlarge = $47.2/h; per instance: ${perType}`);
    await run('a: 3000 × bert-base-cased, count', buildProblem({ ...base, objective: 'count', profiles: bertProfiles(3000) }), 10_000);
  }
  for (const seed of [1, 2, 3]) {
    if (only && !only.test('random78')) break;
    await run(`b: 78 random models (seed ${seed}), cost`, buildProblem({ ...base, profiles: randomProfiles(78, seed) }), 20_000);
    await run(`b: 78 random models (seed ${seed}), count`, buildProblem({ ...base, instanceTypes: ['inf1.xlarge'], objective: 'count', profiles: randomProfiles(78, seed) }), 20_000);
  }
  if (!only || only.test('random500')) {
    await run('c: 500 random models, cost', buildProblem({ ...base, profiles: randomProfiles(500, 7) }), 20_000);
    await run('c: 500 random models, count (inf1.xlarge)', buildProblem({ ...base, instanceTypes: ['inf1.xlarge'], objective: 'count', profiles: randomProfiles(500, 7) }), 20_000);
  }
}

/** (e): what users pack — the whole catalog (inf1, g4dn, c5), caps 7.4 GB / 83 %, in several shapes. */
async function realisticCases(): Promise<void> {
  const catalog = await loadDefaultCatalog();
  const sizes: Array<[number, number[]]> = [[50, [1, 2, 3]], [200, [1, 2, 3]], [1000, [1, 2]]];
  for (const shape of FLEET_SHAPES) {
    for (const [n, seeds] of sizes) {
      for (const seed of seeds) {
        const name = `e: realistic ${shape === 'base' ? '' : `${shape} `}${n} models (seed ${seed}), whole catalog`;
        if (only && !only.test(name)) continue;
        const p = buildProblem({ catalog, profiles: realisticProfiles(catalog, n, seed, shape), maxMemory: 7.4 * GB, maxUtil: 83, objective: 'cost' });
        await run(name, p, limitRealistic);
      }
    }
  }
}

async function tsv(path: string): Promise<Map<string, number>> {
  const lines = (await readFile(path, 'utf8')).trim().split('\n').slice(1);
  return new Map(lines.map((l) => l.split('\t')).map((c) => [c[0]!, Number(c[2])]));
}

async function benchmarkCases(): Promise<void> {
  if (args.includes('--skip-benchmarks')) return;
  const sets: Array<[string, string, Map<string, number>, number]> = [
    ['1d', join(BENCH_DIR, '1d'), await tsv(join(BENCH_DIR, '1d-bounds.tsv')), limit1d],
    ['vector', join(BENCH_DIR, 'vector'), await tsv(join(BENCH_DIR, 'vector-optima.tsv')), limitVector],
  ];
  for (const [set, dir, known, limit] of sets) {
    for (const f of (await readdir(dir)).sort()) {
      const name = f.replace(/\.\w+$/, '');
      if (only && !only.test(`${set}/${name}`)) continue;
      await run(`d: ${set}/${name}`, await readBenchmark(join(dir, f)), limit, known.get(name));
    }
  }
}

console.log(`time limits: 1-D instances ${limit1d / 1000} s each (3 s in runs before 2026-11-22), vector ${limitVector / 1000} s, realistic fleets ${limitRealistic / 1000} s`);
await modelCases();
await realisticCases();
if (!only || only.test('spot')) rows.push(...(await spotScenario()));
await benchmarkCases();
const out = flag('--out') ?? join(PACKAGE_ROOT, 'bench/results/pack.json');
// --merge: the rows run now replace those of the same case in the file, the others are kept
// (a partial rerun, e.g. --only, updates the results without dropping the rest)
if (args.includes('--merge')) {
  const old = JSON.parse(await readFile(out, 'utf8')) as { rows: Row[] };
  const fresh = new Map(rows.map((r) => [r.case, r]));
  const known = new Set(old.rows.map((r) => r.case));
  rows.splice(0, rows.length, ...old.rows.map((r) => fresh.get(r.case) ?? r), ...rows.filter((r) => !known.has(r.case)));
}
const bench = rows.filter((r) => r.known !== undefined);
const summary = {
  benchmarks: bench.length,
  atKnownOptimum: bench.filter((r) => r.value === r.known).length,
  provedOptimal: bench.filter((r) => r.optimal).length,
  oneOverBoundOrLess: bench.filter((r) => r.value - r.lowerBound <= 1).length,
  worstOverKnown: Math.max(0, ...bench.map((r) => r.value - (r.known ?? r.value))),
};
/** The benchmark set of a case name, for the per-set summary. */
function setOf(name: string): string {
  const n = name.replace(/^.*\//, '');
  const sets: Array<[RegExp, string]> = [
    [/^Falkenauer_t/, 'Falkenauer t'],
    [/^Falkenauer_u/, 'Falkenauer u'],
    [/^Hard28/, 'Hard28'],
    [/^HARD/, 'Scholl HARD'],
    [/^Waescher/, 'Waescher'],
    [/^Schwerin/, 'Schwerin'],
    // BPPLIB's "difficult instances": DI are AI (the LP bound rounded up is the optimum), NR are
    // ANI (non-IRUP: the optimum is one above it; 402_10000_NR's optimum is still open, 132 or 133)
    [/_DI_/, 'AI (201_2500/402_10000 DI)'],
    [/_NR_/, 'ANI (201_2500/402_10000 NR)'],
    [/^class(\d+)/, 'vector'],
  ];
  return sets.find(([re]) => re.test(n))?.[1] ?? 'other';
}
const perSet = new Map<string, Row[]>();
for (const r of bench) perSet.set(setOf(r.case), [...(perSet.get(setOf(r.case)) ?? []), r]);
const sets = [...perSet].map(([set, rs]) => ({
  set,
  count: rs.length,
  atKnownOptimum: rs.filter((r) => r.value === r.known).length,
  provedOptimal: rs.filter((r) => r.optimal).length,
  worstOverKnown: Math.max(0, ...rs.map((r) => r.value - (r.known ?? r.value))),
  meanSeconds: +(rs.reduce((a, r) => a + r.seconds, 0) / rs.length).toFixed(2),
}));
await writeFileAtomic(out, JSON.stringify({ date: new Date().toISOString(), machine: 'shared 2-core machine (other jobs running)', limit1dMs: limit1d, limitVectorMs: limitVector, limitRealisticMs: limitRealistic, ...(without.length ? { without } : {}), summary, sets, rows }, null, 2));
console.log(table(['case', 'obj', 'value', 'bound', 'known', 'gap %', 'optimal', 's'], rows.map((r) => [r.case, r.objective, r.value, r.lowerBound, r.known ?? '', (r.gap * 100).toFixed(2), r.optimal ? 'yes' : 'no', r.seconds])));
console.log(table(['set', 'count', 'at known optimum', 'proved optimal', 'worst over known', 'mean s'], sets.map((x) => [x.set, x.count, x.atKnownOptimum, x.provedOptimal, `+${x.worstOverKnown}`, x.meanSeconds])));
console.log(JSON.stringify(summary));
console.log(`wrote ${out}`);
