import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProblem } from '../../src/pack/model/build-problem.js';
import { buildPlan } from '../../src/pack/plan-build.js';
import { loadDefaultCatalog } from '../../src/pack/model/catalog-load.js';
import { parseBpp } from '../../bench/bpplib-instances.js';
import { firstFitDecreasing } from '../../src/pack/heuristics/greedy.js';
import { binElimination } from '../../src/pack/heuristics/bin-elimination.js';
import { restrictTypes, undominatedTypes } from '../../src/pack/model/dominance.js';
import { solvePacking } from '../../src/pack/solve/solver.js';
import { violation, type Problem } from '../../src/pack/model/problem.js';
import type { ModelProfiles } from '../../src/formats/profiles.js';
import { checkPlan } from './checker.js';
import { tripletWeights } from './triplets.js';
import { stepClock } from './step-clock.js';

const GB = 1e9;

/** Falkenauer-style triplets as a problem. */
function triplets(bins: number, seed: number): Problem {
  const w = tripletWeights(bins, seed);
  return parseBpp(`${w.length}\n1000\n${w.join('\n')}\n`);
}

test('bin elimination closes most of the first-fit-decreasing gap on triplets, and its plans are feasible', async () => {
  const p = triplets(60, 3);
  const copies = p.items.flatMap((it, i) => new Array<number>(it.demand).fill(i));
  const size = (i: number) => p.items[i]!.sizes[0]!.proc[0]!;
  copies.sort((a, b) => size(b) - size(a));
  const ffd = firstFitDecreasing(p, copies, () => 0);
  assert.ok(ffd.bins.length > 61, `FFD is bad on triplets (${ffd.bins.length} bins for 60)`);
  const better = await binElimination(p, ffd, { deadline: 2_000, target: () => 60, seed: 1, now: stepClock() }); // clock reads: 61 bins takes about 50
  assert.equal(violation(p, better), null);
  assert.ok(better.bins.length <= 61, `${better.bins.length} bins after local search, optimum 60`);
});

test('dominated instance types are dropped: dearer copies of a type, and multi-processor types beaten by single ones', () => {
  const base = parseBpp('3\n100\n60\n50\n30\n');
  const bin = base.bins[0]!;
  const p: Problem = {
    ...base,
    objective: 'cost',
    bins: [
      { ...bin, name: 'one', cost: 1 },
      { ...bin, name: 'dear', cost: 1.5 },
      { ...bin, name: 'quad', procs: 4, cost: 4.5 },
      { ...bin, name: 'cheapquad', procs: 4, cost: 3 },
    ],
    items: base.items.map((it) => ({ ...it, sizes: [0, 1, 2, 3].map(() => it.sizes[0]!) })),
  };
  assert.deepEqual(undominatedTypes(p), [0, 3]);
  // host memory used: a 4-processor type is no longer replaceable by four 1-processor instances
  const pair = restrictTypes(p, [0, 2]);
  assert.deepEqual(undominatedTypes(pair), [0]);
  const host = { ...pair, bins: pair.bins.map((b) => ({ ...b, instCap: [100] })), items: pair.items.map((it) => ({ ...it, sizes: it.sizes.map((s) => ({ proc: s!.proc, inst: [10] })) })) };
  assert.deepEqual(undominatedTypes(host), [0, 1]);
  assert.equal(restrictTypes(p, [0, 3]).bins.length, 2);
});

test('c5 util is % of one core: a CPU instance holds vcpus × --max-util of it, and --max-mem does not cap its memory', async () => {
  const catalog = await loadDefaultCatalog();
  assert.equal(catalog.families['c5']!.utilPer, 'vcpu');
  // 12 CPU-heavy models at 50 % of a core: a c5.xlarge (4 vCPUs at 83 %: 332 %) holds 6 of them
  const heavy: ModelProfiles = {
    apiVersion: 'mlserve/v1',
    kind: 'ModelProfiles',
    models: Array.from({ length: 12 }, (_, i) => ({ name: `cpu-${i}`, replicas: 1, resources: { c5: { memory: 0.1 * GB, util: 50, hostMemory: 0.1 * GB, vcpus: 0.5 } } })),
  };
  const caps = { memory: 7.4 * GB, util: 83 };
  const p = buildProblem({ profiles: heavy, catalog, instanceTypes: ['c5.xlarge'], maxMemory: caps.memory, maxUtil: caps.util, objective: 'count' });
  assert.equal(p.bins[0]!.procCap[1], 332);
  const r = await solvePacking(p, { timeLimitMs: 5000 });
  assert.equal(r.objectiveValue, 2);
  const plan = buildPlan(p, r, { maxMemory: caps.memory, maxUtil: caps.util, timeLimitMs: 5000 });
  assert.deepEqual(checkPlan(plan, heavy, catalog, caps), []);
  // 100 bert-sized CPU models (0.82 GB each: 82 GB in all) fit one c5.24xlarge despite --max-mem 7.4GB
  const bert: ModelProfiles = {
    apiVersion: 'mlserve/v1',
    kind: 'ModelProfiles',
    models: Array.from({ length: 100 }, (_, i) => ({ name: `bert-${i}`, replicas: 1, resources: { c5: { memory: 0.82 * GB, util: 9, hostMemory: 0.82 * GB, vcpus: 0.09 } } })),
  };
  const q = buildProblem({ profiles: bert, catalog, instanceTypes: ['c5.24xlarge'], maxMemory: caps.memory, maxUtil: caps.util, objective: 'cost' });
  const s = await solvePacking(q, { timeLimitMs: 5000 });
  assert.equal(s.solution.bins.length, 1);
  assert.deepEqual(checkPlan(buildPlan(q, s, { maxMemory: caps.memory, maxUtil: caps.util, timeLimitMs: 5000 }), bert, catalog, caps), []);
  // an accelerator family still caps each processor at --max-util and --max-mem
  const acc = buildProblem({ profiles: { ...bert, models: bert.models.map((m) => ({ ...m, resources: { inf1: m.resources['c5']! } })) }, catalog, instanceTypes: ['inf1.xlarge'], maxMemory: caps.memory, maxUtil: caps.util, objective: 'count' });
  assert.deepEqual(acc.bins[0]!.procCap, [7.4 * GB, 83]);
});
