// Which of the solver's shape-specific paths realistic fleets reach: for each bench/realistic-
// profiles.ts shape (50 and 200 models, seeds 1–3) on the whole default catalog and on each
// instance type alone (`pack --instance-types T`, one type in the catalog), counts the problems
// (after dropping dominated types) that the one-dimensional path (consistent search, bin
// completion, reduced-cost plan, LP rounding), arc-flow, the vector search and the assignment MIP
// apply to; plus what `mlserve trace` wrote for the fixtures (bench/results/trace-profiles.yaml)
// and the identical-model fleets a user packs (the AWS blog's 3,000 bert copies).
// The evidence for src/pack/README.md "Why several methods".
// Usage: node dist/bench/pack-reach.js
import { buildProblem } from '../src/pack/model/build-problem.js';
import { loadDefaultCatalog } from '../src/pack/model/catalog-load.js';
import { restrictTypes, undominatedTypes } from '../src/pack/model/dominance.js';
import { oneDimensional } from '../src/pack/heuristics/one-dim-search.js';
import { vectorView } from '../src/pack/heuristics/vector-search.js';
import { arcflowApplies } from '../src/pack/exact/arcflow.js';
import { ASSIGNMENT_MAX_VARS, assignmentSize } from '../src/pack/exact/assignment.js';
import { bestGreedy } from '../src/pack/heuristics/greedy.js';
import { solutionCost, type Problem } from '../src/pack/model/problem.js';
import { readProfiles, type ModelProfiles } from '../src/formats/profiles.js';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/paths.js';
import { table } from '../src/output.js';
import { FLEET_SHAPES, realisticProfiles } from './realistic-profiles.js';

const GB = 1e9;
const catalog = await loadDefaultCatalog();
const paths: Record<string, (p: Problem) => boolean> = {
  'one-dimensional': (p) => oneDimensional(p) !== null,
  'arc-flow': arcflowApplies,
  vector: (p) => vectorView(p) !== null,
  'assignment MIP': (p) => assignmentSize(p, solutionCost(p, bestGreedy(p))) <= ASSIGNMENT_MAX_VARS,
};
const rows: Array<Array<string | number>> = [];

function count(name: string, profiles: ModelProfiles[], instanceTypes?: string[]): void {
  const reached = Object.fromEntries(Object.keys(paths).map((k) => [k, 0]));
  let built = 0;
  for (const pr of profiles) {
    let p: Problem;
    try {
      p = buildProblem({ catalog, profiles: pr, maxMemory: 7.4 * GB, maxUtil: 83, objective: 'cost', ...(instanceTypes ? { instanceTypes } : {}) });
    } catch {
      continue; // a model fits no instance of that type: pack refuses, no path runs
    }
    built++;
    const q = restrictTypes(p, undominatedTypes(p));
    for (const [k, applies] of Object.entries(paths)) if (applies(q)) reached[k]!++;
  }
  rows.push([name, profiles.length, built, ...Object.values(reached)]);
}

const fleets = FLEET_SHAPES.flatMap((shape) => [50, 200].flatMap((n) => [1, 2, 3].map((seed) => realisticProfiles(catalog, n, seed, shape))));
count('realistic, whole catalog', fleets);
for (const t of Object.keys(catalog.instanceTypes)) count(`realistic, ${t} alone`, fleets, [t]);
const traced = await readProfiles(join(PACKAGE_ROOT, 'bench/results/trace-profiles.yaml'));
count('traced fixtures, whole catalog', [traced]);
for (const t of Object.keys(catalog.instanceTypes)) count(`traced fixtures, ${t} alone`, [traced], [t]);
// util 0 and no host memory: a fleet packed by processor memory alone (hand-written profiles)
const bert = (n: number, util: number, hostMemory?: number): ModelProfiles => ({ apiVersion: 'mlserve/v1', kind: 'ModelProfiles', models: Array.from({ length: n }, (_, i) => ({ name: `bert-${i}`, replicas: 1, resources: { inf1: { memory: 0.3 * GB, util, ...(hostMemory ? { hostMemory } : {}) }, g4dn: { memory: 0.41 * GB, util: util * 1.2, ...(hostMemory ? { hostMemory } : {}) } } })) });
count('3000 identical bert, whole catalog', [bert(3000, 3.4, 0.66 * GB)]);
count('3000 identical bert, inf1.xlarge alone', [bert(3000, 3.4, 0.66 * GB)], ['inf1.xlarge']);
count('300 identical, memory only, inf1.xlarge alone', [bert(300, 0)], ['inf1.xlarge']);
console.log(table(['fleets', 'cases', 'packable', ...Object.keys(paths)], rows));
