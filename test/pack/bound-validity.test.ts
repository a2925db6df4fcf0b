// Every lower bound the solver reports on mixed-type, multi-resource problems shaped like trace's
// output (bench/realistic-profiles.ts) is checked against an optimum found independently: brute
// force on tiny cases, an exact assignment MIP (glpk.js) on medium ones. A bound above the
// optimum would let the solver call a worse plan optimal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import GLPK from 'glpk.js/node';
import { buildProblem } from '../../src/pack/model/build-problem.js';
import { loadDefaultCatalog } from '../../src/pack/model/catalog-load.js';
import { columnGeneration } from '../../src/pack/exact/column-generation.js';
import { ColumnPool, generate } from '../../src/pack/exact/master-lp.js';
import { capacityBound } from '../../src/pack/bounds/capacity-bound.js';
import { mixLpBound, mixMip } from '../../src/pack/bounds/mix-mip.js';
import { mixCutBound } from '../../src/pack/bounds/mix-cuts.js';
import { knapsackCut } from '../../src/pack/bounds/mix-pattern-lp.js';
import { lcg } from '../../src/seeded-random.js';
import { planOnMix } from '../../src/pack/exact/mix-plan.js';
import { continuousBound, roundBound } from '../../src/pack/bounds/cheap-bounds.js';
import { bestGreedy } from '../../src/pack/heuristics/greedy.js';
import { price } from '../../src/pack/exact/pricing.js';
import { solveAssignment } from '../../src/pack/exact/assignment.js';
import { solvePacking } from '../../src/pack/solve/solver.js';
import { solutionCost, violation, type Problem } from '../../src/pack/model/problem.js';
import { FLEET_SHAPES, realisticProfiles, type FleetShape } from '../../bench/realistic-profiles.js';
import { bruteForceOptimum } from './brute-force.js';

const GB = 1e9;
const g = await GLPK();
const catalog = await loadDefaultCatalog();

function problem(n: number, seed: number, instanceTypes?: string[], shape: FleetShape = 'base'): Problem {
  return buildProblem({ catalog, profiles: realisticProfiles(catalog, n, seed, shape), maxMemory: 7.4 * GB, maxUtil: 83, objective: 'cost', ...(instanceTypes ? { instanceTypes } : {}) });
}

/** Every bound the pieces of the solver can give on `p`, with what gave it. */
function bounds(p: Problem): Array<[string, number]> {
  const out: Array<[string, number]> = [['continuous', roundBound(p, continuousBound(p))], ['instance-mix LP', roundBound(p, mixLpBound(g, p))]];
  const start = bestGreedy(p);
  // column generation cut short after k rounds (Farley at the smoothed and the LP duals), and run to the end
  for (const rounds of [1, 2, 3, 6, Infinity]) {
    const pool = new ColumnPool();
    p.bins.forEach((_, t) => pool.add(price(p, t, p.items.map(() => 1)).pattern));
    const lp = generate(g, p, pool, Date.now() + 20_000, () => false, rounds);
    out.push([`column generation, ${rounds} rounds`, roundBound(p, lp?.farley ?? 0)]);
  }
  const lb = out.reduce((a, [, v]) => Math.max(a, v), 0);
  const incumbent = solutionCost(p, start);
  out.push(['instance mix', capacityBound(g, p, lb, incumbent, Date.now() + 20_000)]);
  // the MIP form directly (capacityBound checks few mixes one by one); "optimal" claims the incumbent
  const mm = mixMip(g, p, out[0]![1], incumbent, 20);
  out.push(['instance-mix MIP', mm.kind === 'bound' ? mm.value : mm.kind === 'incumbent-optimal' ? incumbent : 0]);
  // with knapsack cuts: every bound it reports, and the incumbent when it says no cheaper mix is left
  // (a plan it offers must cost what it claims and be valid)
  let cut = 0;
  let plan = Infinity;
  const mc = mixCutBound(g, p, { lb: out[1]![1], incumbent: () => incumbent, deadline: Date.now() + 20_000 }, {
    bound: (v) => void (cut = Math.max(cut, v)),
    solution: (s) => {
      assert.equal(violation(p, s), null);
      plan = solutionCost(p, s);
    },
  });
  out.push(['instance-mix MIP with knapsack cuts', mc.kind === 'incumbent-optimal' ? Math.min(plan, incumbent) : cut]);
  return out;
}

/** Instance counts per type of a plan. */
const countsOf = (p: Problem, s: { bins: Array<{ type: number }> }) => p.bins.map((_, t) => s.bins.filter((b) => b.type === t).length);

/** Every knapsack cut of random weights holds for the plan's instance counts (a cut no plan may violate). */
function assertCutsHold(p: Problem, plan: { bins: Array<{ type: number }> }, seed: number): void {
  const r = lcg(seed);
  const n = countsOf(p, plan);
  for (let k = 0; k < 8; k++) {
    const sigma = p.items.map(() => (r() < 0.3 ? 0 : r()));
    const cut = knapsackCut(p, sigma);
    const lhs = cut.coef.reduce((a, c, t) => a + c * n[t]!, 0);
    assert.ok(lhs >= cut.rhs * (1 - 1e-7) - 1e-9, `seed ${seed}: a knapsack cut (${lhs} < ${cut.rhs}) removes a plan`);
  }
}

/** The optimum by the exact assignment MIP: better plans until none is left (each run proven). */
function exactOptimum(p: Problem): number {
  let best = solutionCost(p, bestGreedy(p));
  for (;;) {
    const r = solveAssignment(g, p, best, 120);
    assert.ok(r.proven, 'the exact MIP finished');
    if (r.kind === 'none-better') return best;
    best = solutionCost(p, r.solution);
  }
}

for (const shape of FLEET_SHAPES) {
  test(`bounds on tiny realistic ${shape} cases (whole catalog) never exceed the brute-force optimum`, async () => {
    let cases = 0;
    for (let seed = 1; cases < (shape === 'base' ? 6 : 2) && seed < 40; seed++) {
      const p = problem(5 + (seed % 3), seed, undefined, shape);
      if (p.items.reduce((a, it) => a + it.demand, 0) > 9) continue;
      cases++;
      const opt = bruteForceOptimum(p);
      for (const [how, v] of bounds(p)) assert.ok(v <= opt + 1e-9, `seed ${seed}: ${how} bound ${v} > optimum ${opt}`);
      const r = await solvePacking(p, { timeLimitMs: 3000 });
      assert.ok(r.lowerBound <= opt + 1e-9, `seed ${seed}: solver bound ${r.lowerBound} > optimum ${opt}`);
      assert.ok(Math.abs(r.objectiveValue - opt) < 1e-9, `seed ${seed}: plan ${r.objectiveValue}, optimum ${opt}`);
      assertCutsHold(p, r.solution, seed);
      assertCutsHold(p, bestGreedy(p), seed + 100);
    }
    assert.equal(cases, shape === 'base' ? 6 : 2);
  });
}

test('bounds on medium realistic cases never exceed the exact MIP optimum; replicas are counted', async () => {
  const types = ['inf1.xlarge', 'inf1.6xlarge', 'g4dn.xlarge', 'c5.xlarge', 'c5.2xlarge'];
  // (cpu-heavy at 14 models takes the exact MIP minutes: 12)
  const cases: Array<[number, FleetShape, number]> = [[3, 'base', 14], [4, 'base', 14], [1, 'memory-heavy', 14], [2, 'cpu-heavy', 12], [1, 'no-inf1', 14]];
  for (const [seed, shape, n] of cases) {
    const p = problem(n, seed, types, shape);
    assert.ok(p.items.some((it) => it.maxPerBin === 1 && it.demand === 2) || p.items.some((it) => it.demand > 1), 'copies or replicas in the case');
    const opt = exactOptimum(p);
    for (const [how, v] of bounds(p)) assert.ok(v <= opt + 1e-9, `${shape} seed ${seed}: ${how} bound ${v} > optimum ${opt}`);
    // every bound column generation reports on the way (Farley's, round by round), also when cut short
    const reported: number[] = [];
    const on = { bound: (v: number) => void reported.push(v), solution: () => {} };
    const cg = await columnGeneration(g, p, bestGreedy(p), { deadline: Date.now() + 10_000, target: () => opt, roundBound: (lb) => roundBound(p, lb), mipShare: 0.5, diveShare: 0.2 }, on);
    await columnGeneration(g, p, bestGreedy(p), { deadline: Date.now() + 200, target: () => opt, roundBound: (lb) => roundBound(p, lb), mipShare: 0.5, diveShare: 0.2 }, on);
    assert.ok(roundBound(p, cg.lowerBound) <= opt + 1e-9, `seed ${seed}: column generation ${cg.lowerBound} > optimum ${opt}`);
    assert.ok(reported.length > 0 && reported.every((v) => v <= opt + 1e-9), `${shape} seed ${seed}: column generation reported ${reported.join(', ')}, optimum ${opt}`);
    const r = await solvePacking(p, { timeLimitMs: 4000 });
    assert.ok(r.lowerBound <= opt + 1e-9 && r.objectiveValue >= opt - 1e-9, `${shape} seed ${seed}: solver ${r.lowerBound}..${r.objectiveValue}, optimum ${opt}`);
    assertCutsHold(p, r.solution, seed);
  }
});

test('the instance-mix MIP proves a 50-model whole-catalog fleet optimal where 2,957 mixes were too many to check', () => {
  const p = problem(50, 3);
  // the plan price-and-branch finds (2.975 $/h); the LP bound is 2.936 and a cheaper mix of types
  // exists for every cost between, but none can hold the models, replicas and copies counted
  assert.deepEqual(mixMip(g, p, 2.936, 2.975, 60), { kind: 'incumbent-optimal' });
  const r = mixMip(g, p, 2.936, 2.976, 60);
  assert.ok(r.kind === 'bound' && r.value === 2.975, 'with a dearer incumbent it gives the bound itself');
});

test('a plan on the mix the bound found: 50 models that fill c5.9xlarge + c5.4xlarge to 2 % util of the brim', () => {
  const p = problem(50, 1);
  // greedy and local search stop at 2.295 $/h, one c5.large above the bound
  const r = mixMip(g, p, 2.209, 2.295, 60);
  assert.ok(r.kind === 'bound' && r.value === 2.21);
  assert.deepEqual(r.mix.flatMap((n, t) => (n ? [`${n} × ${p.bins[t]!.name}`] : [])), ['1 × c5.4xlarge', '1 × c5.9xlarge'], 'fewest instances among the cheapest mixes');
  const plan = planOnMix(g, p, r.mix, r.value, 30);
  assert.ok(plan, 'a plan at the bound');
  assert.equal(violation(p, plan), null);
  assert.equal(+solutionCost(p, plan).toFixed(3), 2.21);
});

test('the instance-mix LP bounds a 200-model memory-heavy fleet within 1 % of a plan, where the continuous bound is 20 % short', async () => {
  const p = problem(200, 1, undefined, 'memory-heavy');
  const lp = roundBound(p, mixLpBound(g, p));
  assert.equal(roundBound(p, continuousBound(p)), 12.096);
  assert.equal(lp, 15.065);
  // a plan the solver finds in a second or two bounds it from above (any plan must)
  const r = await solvePacking(p, { timeLimitMs: 2000, greedyOnly: true });
  assert.ok(r.objectiveValue >= lp && (r.objectiveValue - lp) / r.objectiveValue < 0.05, `plan ${r.objectiveValue}, mix LP ${lp}`);
});

test('knapsack cuts remove a mix that holds 50 memory-heavy models only as fluid, and every cut keeps the plan', () => {
  const p = problem(50, 1, undefined, 'memory-heavy');
  // pooled capacity: c5.large + c5.9xlarge + c5.12xlarge ($3.655) hold the models to 0.02 %
  const pooled = mixMip(g, p, 3.655, 3.74, 60);
  assert.ok(pooled.kind === 'bound' && pooled.value === 3.655, 'the pooled MIP accepts a $3.655 mix');
  const risen: number[] = [];
  const out = mixCutBound(g, p, { lb: 3.655, incumbent: () => 3.74, deadline: Date.now() + 120_000 }, { bound: (v) => void risen.push(v), solution: () => assert.fail('no plan below $3.74') });
  // no mix below the plan is left: the $3.74 plan is optimal (one cut removes the fluid mix and,
  // with it, every other mix below $3.74)
  assert.deepEqual(out, { kind: 'incumbent-optimal' });
  assert.ok(risen.every((v) => v < 3.74), `bounds ${risen.join(', ')}`);
});
