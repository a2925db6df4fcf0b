import { test } from 'node:test';
import assert from 'node:assert/strict';
import GLPK from 'glpk.js/node';
import { coverSearch, enumeratePatterns, type RcPattern, type RcProblem } from '../../src/pack/exact/reduced-cost-search.js';
import { reducedCostPlan } from '../../src/pack/exact/reduced-cost-plan.js';
import { parseBpp } from '../../bench/bpplib-instances.js';
import { columnGeneration } from '../../src/pack/exact/column-generation.js';
import { bestGreedy } from '../../src/pack/heuristics/greedy.js';
import { violation, type Problem } from '../../src/pack/model/problem.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** A random 1-D instance: a few item types with demands. */
function randomInstance(seed: number, types: number, cap = 100): RcProblem {
  const r = rng(seed);
  const w = Array.from({ length: types }, () => 12 + Math.floor(r() * 50));
  const demand = w.map(() => 1 + Math.floor(r() * 3));
  return { w, demand, cap };
}

/** Fewest bins for the copies, by exhaustive search (written independently of src/pack). */
function optimum(p: RcProblem): number {
  const items = p.w.flatMap((w, i) => new Array<number>(p.demand[i]!).fill(w)).sort((a, b) => b - a);
  let best = items.length;
  const loads: number[] = [];
  const place = (k: number) => {
    if (loads.length >= best) return;
    if (k === items.length) {
      best = loads.length;
      return;
    }
    const seen = new Set<number>();
    for (let b = 0; b < loads.length; b++) {
      if (loads[b]! + items[k]! > p.cap || seen.has(loads[b]!)) continue;
      seen.add(loads[b]!);
      loads[b]! += items[k]!;
      place(k + 1);
      loads[b]! -= items[k]!;
    }
    loads.push(items[k]!);
    place(k + 1);
    loads.pop();
  };
  place(0);
  return best;
}

/** Every non-empty count vector that fits, by brute force. */
function allPatterns(p: RcProblem): number[][] {
  const out: number[][] = [];
  const counts = p.w.map(() => 0);
  const rec = (i: number, load: number) => {
    if (i === p.w.length) {
      if (load > 0) out.push([...counts]);
      return;
    }
    for (let c = 0; c <= p.demand[i]! && load + c * p.w[i]! <= p.cap; c++) {
      counts[i] = c;
      rec(i + 1, load + c * p.w[i]!);
    }
    counts[i] = 0;
  };
  rec(0, 0);
  return out;
}

const key = (p: RcProblem, pt: RcPattern) => {
  const v = p.w.map(() => 0);
  pt.types.forEach((t, k) => (v[t] = pt.counts[k]!));
  return v.join(',');
};

/** Checks a plan of patterns: every copy placed exactly once, no bin over capacity. */
function checkBins(p: RcProblem, bins: RcPattern[], maxBins: number): void {
  assert.ok(bins.length <= maxBins, `${bins.length} bins > ${maxBins}`);
  const placed = p.w.map(() => 0);
  for (const b of bins) {
    const load = b.types.reduce((a, t, k) => a + p.w[t]! * b.counts[k]!, 0);
    assert.ok(load <= p.cap, `bin over capacity: ${load}`);
    b.types.forEach((t, k) => (placed[t]! += b.counts[k]!));
  }
  assert.deepEqual(placed, p.demand);
}

test('the enumeration finds exactly the bins within the reduced-cost gap (brute force)', () => {
  for (let seed = 1; seed <= 12; seed++) {
    const p = randomInstance(seed, 6 + (seed % 4));
    const r = rng(seed * 7);
    const sigma = p.w.map((w) => (w / p.cap) * (0.7 + 0.3 * r()));
    const gap = 0.05 + 0.3 * r();
    const value = (v: number[]) => v.reduce((a, c, i) => a + c * sigma[i]!, 0);
    const want = allPatterns(p)
      .filter((v) => 1 - value(v) <= gap)
      .map((v) => v.join(','))
      .sort();
    const e = enumeratePatterns(p, sigma, gap, 100_000, Date.now() + 10_000);
    assert.ok(e.complete);
    assert.deepEqual(e.patterns.map((pt) => key(p, pt)).sort(), want, `seed ${seed}`);
    for (const pt of e.patterns) assert.ok(Math.abs(pt.rc - Math.max(0, 1 - value(key(p, pt).split(',').map(Number)))) < 1e-9);
  }
});

test('the enumeration says when it stops short (pattern limit, node limit)', () => {
  const p = randomInstance(3, 9);
  const sigma = p.w.map((w) => w / p.cap);
  assert.equal(enumeratePatterns(p, sigma, 1, 5, Date.now() + 10_000).complete, false);
  assert.equal(enumeratePatterns(p, sigma, 1, 100_000, Date.now() + 10_000, 10).complete, false);
});

test('the cover search finds a plan at the optimum and proves none exists one bin below (brute force)', () => {
  for (let seed = 1; seed <= 16; seed++) {
    const p = randomInstance(seed, 5 + (seed % 4));
    const opt = optimum(p);
    // σ = size / capacity is dual feasible: no bin is worth more than 1
    const sigma = p.w.map((w) => w / p.cap);
    const total = p.w.reduce((a, w, i) => a + w * p.demand[i]!, 0) / p.cap;
    const at = (bins: number) => {
      const gap = bins - total;
      const e = enumeratePatterns(p, sigma, gap + 1e-7, 100_000, Date.now() + 10_000);
      assert.ok(e.complete);
      return coverSearch(p, e.patterns, gap, bins, Date.now() + 10_000);
    };
    const found = at(opt);
    assert.ok(found.bins, `seed ${seed}: no plan of ${opt} bins found`);
    checkBins(p, found.bins, opt);
    if (opt - 1 >= Math.ceil(total - 1e-9)) {
      const none = at(opt - 1);
      assert.equal(none.bins, null, `seed ${seed}: a plan below the optimum?`);
      assert.equal(none.exhausted, true);
    }
  }
});

function problemOf(p: RcProblem): Problem {
  const w = p.w.flatMap((x, i) => new Array<number>(p.demand[i]!).fill(x));
  return parseBpp(`${w.length}\n${p.cap}\n${w.join('\n')}\n`);
}

test('reducedCostPlan: plans checked by the solver guard, proofs only below the optimum (depth-first search and exact-cover MIP)', async () => {
  const g = await GLPK();
  let mipProofs = 0;
  for (let seed = 20; seed <= 27; seed++) {
    const rp = randomInstance(seed, 7);
    const p = problemOf(rp);
    const opt = optimum(rp);
    // the duals of the converged root LP, as the solver worker passes them
    const start = bestGreedy(p);
    let duals: number[] | null = null;
    await columnGeneration(g, p, start, { deadline: Date.now() + 20_000, target: () => start.bins.length + 1, roundBound: (x) => Math.ceil(x - 1e-9), mipShare: 0, diveShare: 0, afterRoot: async (root) => void (duals = root.duals) }, { bound() {}, solution() {} });
    assert.ok(duals, `seed ${seed}: the root LP converged`);
    // the depth-first search alone, then the exact-cover MIP alone (no depth-first nodes)
    for (const dfsNodes of [30_000, 0]) {
      const plan = reducedCostPlan(g, p, duals, opt, Date.now() + 20_000, dfsNodes);
      assert.equal(plan.kind, 'plan', `seed ${seed}, ${dfsNodes} nodes`);
      if (plan.kind === 'plan') {
        assert.equal(violation(p, plan.solution), null);
        assert.ok(plan.solution.bins.length <= opt);
      }
      const below = reducedCostPlan(g, p, duals, opt - 1, Date.now() + 20_000, dfsNodes);
      assert.equal(below.kind, 'none', `seed ${seed}, ${dfsNodes} nodes: no plan below the optimum, proved`);
    }
    // sizes as prices: a gap of the plan's free room, so more bins and proofs the MIP must make
    const sizes = p.items.map((it) => it.sizes[0]!.proc[0]!);
    const wide = reducedCostPlan(g, p, sizes, opt, Date.now() + 20_000, 0);
    assert.equal(wide.kind, 'plan', `seed ${seed}: sizes as prices`);
    if (wide.kind === 'plan') assert.equal(violation(p, wide.solution), null);
    const room = opt - 1 - rp.w.reduce((a, w, i) => a + w * rp.demand[i]!, 0) / rp.cap;
    if (room > 0) {
      assert.equal(reducedCostPlan(g, p, sizes, opt - 1, Date.now() + 20_000, 0).kind, 'none', `seed ${seed}: MIP proof`);
      mipProofs++;
    }
  }
  assert.ok(mipProofs >= 2, `${mipProofs} MIP proofs exercised`);
});

test('reducedCostPlan groups processors into instances and declines problems that are not one-dimensional', async () => {
  const g = await GLPK();
  const rp = randomInstance(5, 6);
  const p = problemOf(rp);
  const quad: Problem = { ...p, bins: [{ ...p.bins[0]!, procs: 2 }] };
  const opt = optimum(rp);
  const out = reducedCostPlan(g, quad, p.items.map((it) => it.sizes[0]!.proc[0]!), Math.ceil(opt / 2), Date.now() + 20_000);
  assert.equal(out.kind, 'plan');
  if (out.kind === 'plan') {
    assert.equal(violation(quad, out.solution), null);
    assert.ok(out.solution.bins.every((b) => b.procs.length <= 2));
  }
  const twoDims: Problem = { ...p, items: p.items.map((it) => ({ ...it, sizes: [{ proc: [it.sizes[0]!.proc[0]!, 1], inst: [] }] })), bins: [{ ...p.bins[0]!, procCap: [p.bins[0]!.procCap[0]!, 3] }] };
  assert.equal(reducedCostPlan(g, twoDims, p.items.map(() => 1), opt, Date.now() + 20_000).kind, 'unknown');
});
