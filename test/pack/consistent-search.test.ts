import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stepClock } from './step-clock.js';
import { parseBpp } from '../../bench/bpplib-instances.js';
import { buildProblem } from '../../src/pack/model/build-problem.js';
import type { Catalog } from '../../src/formats/catalog.js';
import type { ModelProfiles } from '../../src/formats/profiles.js';
import { consistentSearch } from '../../src/pack/heuristics/consistent-search.js';
import { oneDimensional } from '../../src/pack/heuristics/one-dim-search.js';
import { maxSubsetSum } from '../../src/pack/heuristics/subset-sum.js';
import { columnGeneration } from '../../src/pack/exact/column-generation.js';
import { lpResidualSearch, residualOf } from '../../src/pack/exact/lp-rounding.js';
import { solvePacking } from '../../src/pack/solve/solver.js';
import { bestGreedy } from '../../src/pack/heuristics/greedy.js';
import { violation } from '../../src/pack/model/problem.js';
import { buildPlan } from '../../src/pack/plan-build.js';
import { checkPlan } from './checker.js';
import { rng, tripletWeights as triplets } from './triplets.js';

const tripletWeights = (bins: number, seed: number) => triplets(bins, seed, true);

function firstFit(w: number[], cap: number): number[][] {
  const bins: number[][] = [];
  const load: number[] = [];
  for (const i of w.map((_, k) => k).sort((a, b) => w[b]! - w[a]!)) {
    let j = load.findIndex((l) => l + w[i]! <= cap);
    if (j < 0) {
      j = bins.push([]) - 1;
      load.push(0);
    }
    bins[j]!.push(i);
    load[j]! += w[i]!;
  }
  return bins;
}

test('max subset sum matches brute force (and prefers fewer items on ties)', () => {
  const r = rng(11);
  for (let round = 0; round < 200; round++) {
    const n = 1 + Math.floor(r() * 12);
    const w = Array.from({ length: n }, () => 1 + Math.floor(r() * 60));
    const cap = 20 + Math.floor(r() * 150);
    let best = 0;
    for (let mask = 0; mask < 1 << n; mask++) {
      let s = 0;
      for (let k = 0; k < n; k++) if (mask & (1 << k)) s += w[k]!;
      if (s <= cap) best = Math.max(best, s);
    }
    const got = maxSubsetSum(w, cap);
    assert.ok(got.exact);
    assert.equal(got.sum, best, `weights ${w.join(',')} cap ${cap}`);
    assert.equal(got.take.reduce((a, k) => a + w[k]!, 0), got.sum);
    assert.equal(new Set(got.take).size, got.take.length);
  }
});

test('consistent neighborhood search finds a 100-bin triplet optimum, deterministically, with valid bins', async () => {
  const STEPS = 2_000; // clock reads (a step clock: the same budget on any machine; it needs about 40)
  const w = tripletWeights(100, 5);
  const cap = 1000;
  const start = firstFit(w, cap);
  assert.ok(start.length > 103, `first-fit decreasing is far off on triplets (${start.length} bins)`);
  const run = async () => {
    const seen: number[] = [];
    const now = stepClock();
    const out = await consistentSearch({ w, cls: w.map((x) => x), cap }, start, { deadline: STEPS, target: () => 100, seed: 7, now }, (b) => seen.push(b.length));
    return { out, seen, steps: now() };
  };
  const a = await run();
  assert.equal(a.out.length, 100, `${a.out.length} bins, optimum 100 (${a.steps} of ${STEPS} clock reads)`);
  // every copy exactly once, no bin over capacity
  const all = a.out.flat().sort((x, y) => x - y);
  assert.deepEqual(all, w.map((_, i) => i));
  for (const b of a.out) assert.ok(b.reduce((s, i) => s + w[i]!, 0) <= cap);
  // improving plans are reported, each smaller than the last
  assert.ok(a.seen.every((n, k) => k === 0 || n < a.seen[k - 1]!));
  // the same seed takes the same path
  const b = await run();
  assert.deepEqual(b.seen, a.seen);
});

test('the solver proves a triplet plan of models optimal through the one-dimensional path; the plan passes the checker', async () => {
  // 120 models whose processor memory (MB) forms 40 exact triplets of a 5,000 MB cap, no util
  const w = tripletWeights(40, 9);
  const MB = 1e6;
  const catalog: Catalog = { apiVersion: 'mlserve/v1', kind: 'InstanceCatalog', families: {}, instanceTypes: { acc1: { family: 'acc', processors: 1, processorMemory: 8000 * MB, hostMemory: 64000 * MB, vcpus: 4, pricePerHour: 0.25 } } };
  const profiles: ModelProfiles = { apiVersion: 'mlserve/v1', kind: 'ModelProfiles', models: w.map((x, i) => ({ name: `m${i}`, replicas: 1, resources: { acc: { memory: x * 5 * MB, util: 0 } } })) };
  const caps = { memory: 5000 * MB, util: 83 };
  const p = buildProblem({ profiles, catalog, maxMemory: caps.memory, maxUtil: caps.util, objective: 'cost' });
  assert.ok(oneDimensional(p), 'memory is the only dimension that binds');
  assert.ok(bestGreedy(p).bins.length > 40);
  const r = await solvePacking(p, { timeLimitMs: 10_000 });
  assert.equal(violation(p, r.solution), null);
  assert.equal(r.solution.bins.length, 40);
  assert.equal(r.optimal, true);
  const plan = buildPlan(p, r, { maxMemory: caps.memory, maxUtil: caps.util, timeLimitMs: 10_000 });
  assert.deepEqual(checkPlan(plan, profiles, catalog, caps), [], 'the plan passes the independent checker');
});

test('the one-dimensional path is not taken for several types, several binding dimensions or replicas', () => {
  const p = parseBpp('3\n100\n60\n50\n30\n');
  assert.ok(oneDimensional(p));
  assert.equal(oneDimensional({ ...p, bins: [p.bins[0]!, { ...p.bins[0]!, name: 'b2' }] }), null);
  assert.equal(oneDimensional({ ...p, items: p.items.map((it) => ({ ...it, demand: 2, maxPerBin: 1 })) }), null);
  const twoDims = { ...p, bins: [{ ...p.bins[0]!, procCap: [100, 100] }], items: p.items.map((it) => ({ ...it, sizes: [{ proc: [it.sizes[0]!.proc[0]!, 10], inst: [] }] })) };
  assert.equal(oneDimensional(twoDims), null);
});

test('LP rounding: the converged LP patterns kept, the rest searched, reach the LP bound on triplets with valid plans', async () => {
  const GLPK = (await import('glpk.js/node')).default;
  const g = await GLPK();
  const w = tripletWeights(30, 21);
  const p = parseBpp(`${w.length}\n1000\n${w.join('\n')}\n`, 'trip');
  const start = bestGreedy(p);
  const plans: number[] = [];
  let rootSeen = false;
  await columnGeneration(g, p, start, {
    deadline: Date.now() + 20_000,
    target: () => (plans.length ? Math.min(...plans) : start.bins.length),
    roundBound: (lb) => Math.ceil(lb - 1e-6),
    mipShare: 0,
    diveShare: 0,
    afterRoot: async (root, dive) => {
      rootSeen = true;
      // kept patterns and residual account for every copy exactly once
      const { fixed, residual } = residualOf(p, root.cols, root.x.map((v) => Math.floor(v + 1e-6)));
      const kept = fixed.bins.reduce((a, b) => a + b.procs.flat().length, 0);
      assert.equal(kept + residual.items.reduce((a, it) => a + it.demand, 0), w.length);
      await lpResidualSearch(p, root, dive, 30, Date.now() + 15_000, () => (plans.length ? Math.min(...plans) : start.bins.length), (s) => {
        assert.equal(violation(p, s), null);
        plans.push(s.bins.length);
      });
    },
  }, { bound: () => {}, solution: () => {} });
  assert.ok(rootSeen, 'the root LP converged and was rounded');
  assert.equal(Math.min(...plans), 30);
});

test('instances with several processors: the 1-D path packs processors and groups them into instances', async () => {
  const w = tripletWeights(30, 4);
  const base = parseBpp(`${w.length}\n1000\n${w.join('\n')}\n`, 'trip');
  const p = { ...base, bins: [{ ...base.bins[0]!, procs: 3 }] };
  const view = oneDimensional(p);
  assert.equal(view?.procs, 3);
  const r = await solvePacking(p, { timeLimitMs: 10_000 });
  assert.equal(violation(p, r.solution), null);
  assert.equal(r.solution.bins.length, 10, '30 full processors are 10 instances of 3');
  assert.equal(r.optimal, true);
});
