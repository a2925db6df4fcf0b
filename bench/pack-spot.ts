// pack --spot on the AWS blog's reference case: 3,000 bert-base-cased models on the blog's
// instance table (inf1.xlarge/2xlarge/6xlarge, g4dn.xlarge/12xlarge) under 7.4 GB / 83 %, spot
// prices and bands from the default catalog (its sources say which are assumptions). The
// on-demand-only optimum against spot-aware plans, each with its lower bound and proof; and
// bench/pack.ts's 78 distinct random models (seed 1), where the bound is weaker.
// Usage: node dist/bench/pack-spot.js [--out FILE]   (bench/pack.js runs it too, unless --only excludes "spot")
import { join } from 'node:path';
import { buildProblem } from '../src/pack/model/build-problem.js';
import { loadDefaultCatalog } from '../src/pack/model/catalog-load.js';
import type { Catalog } from '../src/formats/catalog.js';
import { solvePacking } from '../src/pack/solve/solver.js';
import { BAND_RATE, spotSetup } from '../src/pack/spot/spot-setup.js';
import { costsOf, solveSpot } from '../src/pack/spot/spot-solve.js';
import { writeFileAtomic } from '../src/fs/atomic.js';
import { table } from '../src/output.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import type { ModelProfiles } from '../src/formats/profiles.js';
import { randomProfiles } from './random-profiles.js';
import type { Problem } from '../src/pack/model/problem.js';

const GB = 1e9;
const TYPES = ['inf1.xlarge', 'inf1.2xlarge', 'inf1.6xlarge', 'g4dn.xlarge', 'g4dn.12xlarge'];

export interface SpotRow {
  case: string;
  objective: string;
  value: number;
  lowerBound: number;
  gap: number;
  optimal: boolean;
  seconds: number;
  method: string;
  note?: string;
}

function bert(n: number): ModelProfiles {
  const resources = { inf1: { memory: 0.3 * GB, util: 3.4, hostMemory: 0.66 * GB }, g4dn: { memory: 0.41 * GB, util: 4.1, hostMemory: 0.66 * GB } };
  return { apiVersion: 'mlserve/v1', kind: 'ModelProfiles', models: Array.from({ length: n }, (_, i) => ({ name: `bert-${i}`, replicas: 1, resources })) };
}

export async function spotScenario(log: (line: string) => void = console.log): Promise<SpotRow[]> {
  const catalog = await loadDefaultCatalog();
  const rows: SpotRow[] = [];
  const cases: Array<[string, ModelProfiles, Array<{ survive: number; maxShare: number }>]> = [
    ['3000 × bert', bert(3000), [{ survive: 1, maxShare: 0.7 }, { survive: 1, maxShare: 1 }, { survive: 2, maxShare: 0.7 }]],
    ['78 random models', randomProfiles(78, 1), [{ survive: 1, maxShare: 0.7 }]],
  ];
  for (const [name, profiles, rules] of cases) {
    const p = buildProblem({ profiles, catalog, instanceTypes: TYPES, maxMemory: 7.4 * GB, maxUtil: 83, objective: 'cost' });
    await scenario(name, p, rules, catalog, (r) => {
      rows.push(r);
      log(`${r.case}: $${r.value}/h (bound ${r.lowerBound}) ${r.optimal ? 'proven optimal' : `gap ${(r.gap * 100).toFixed(2)}%`} in ${r.seconds}s${r.note ? ` — ${r.note}` : ''}`);
    });
  }
  return rows;
}

async function scenario(name: string, p: Problem, rules: Array<{ survive: number; maxShare: number }>, catalog: Catalog, row: (r: SpotRow) => void): Promise<void> {
  const od = await solvePacking(p, { timeLimitMs: 10_000 });
  row({ case: `spot: ${name}, on-demand only`, objective: 'cost', value: +od.objectiveValue.toFixed(4), lowerBound: +od.lowerBound.toFixed(4), gap: +od.gap.toFixed(5), optimal: od.optimal, seconds: +od.seconds.toFixed(2), method: od.method });
  for (const rule of rules) {
    const set = spotSetup(p, catalog, rule);
    const s = await solveSpot(set, 20_000);
    const c = costsOf(s.chosen, s.result);
    let expected = 0;
    for (const b of s.result.solution.bins) {
      const info = s.chosen.bins[b.type]!;
      const price = s.chosen.problem.bins[b.type]!.price;
      const f = info.market === 'spot' ? BAND_RATE[set.offers[info.base]!.band] : 0;
      expected += (1 - f) * price + f * p.bins[info.base]!.price;
    }
    const total = c.spot + c.onDemand;
    row({
      case: `spot: ${name}, spot-aware survive ${rule.survive} share ≤ ${rule.maxShare}`,
      objective: 'cost',
      value: +total.toFixed(4),
      lowerBound: +s.result.lowerBound.toFixed(4),
      gap: +s.result.gap.toFixed(5),
      optimal: s.result.optimal,
      seconds: +s.result.seconds.toFixed(2),
      method: s.result.method,
      note: `${(total / od.objectiveValue).toFixed(3)} × on-demand; spot $${c.spot.toFixed(4)} + on-demand $${c.onDemand.toFixed(4)} (share ${(c.spot / total).toFixed(3)}); ${s.chosen.spotModels} models all-spot (+${s.chosen.addedReplicas} replicas); expected $${expected.toFixed(4)}/h with interruptions`,
    });
  }
}

if (process.argv[1]?.endsWith('pack-spot.js')) {
  const rows = await spotScenario();
  const i = process.argv.indexOf('--out');
  const out = i >= 0 ? process.argv[i + 1]! : join(PACKAGE_ROOT, 'bench/results/pack-spot.json');
  await writeFileAtomic(out, JSON.stringify({ date: new Date().toISOString(), machine: 'shared 2-core machine (other jobs running)', rows }, null, 2));
  console.log(table(['case', 'value', 'bound', 'optimal', 's', 'note'], rows.map((r) => [r.case, r.value, r.lowerBound, r.optimal ? 'yes' : 'no', r.seconds, r.note ?? ''])));
  console.log(`wrote ${out}`);
}
