// Pricing for column generation: given dual prices of the item types, the most valuable packing
// of one instance of a bin type (a column to add) and an upper bound on that value (for the
// Farley lower bound, valid even when the packing found is not the best one).
import { gridIsExact, knapsack, type KnapItem } from './knapsack.js';
import type { Problem } from '../model/problem.js';
import { repackOn } from '../heuristics/greedy.js';
import { vectorKnapsack } from './vector-knapsack.js';
import { EPS, NOISE } from '../model/tolerance.js';

export interface Pattern {
  type: number;
  counts: Map<number, number>; // item type → copies on the instance
  procs: number[][]; // the items on each processor
}

export interface Priced {
  pattern: Pattern;
  value: number; // Σ dual × copies of the pattern found
  upper: number; // no pattern of this type is worth more
}

function itemsFor(p: Problem, t: number, duals: number[], dims: 'proc' | 'inst' | 'both', left?: number[]): KnapItem[] {
  const out: KnapItem[] = [];
  p.items.forEach((it, i) => {
    const s = it.sizes[t];
    const value = duals[i] ?? 0;
    if (!s || value <= NOISE) return;
    const count = left ? left[i]! : Math.min(it.demand, it.maxPerBin);
    const size = dims === 'proc' ? s.proc : dims === 'inst' ? s.inst : [...s.proc, ...s.inst];
    out.push({ id: i, value, size, count });
  });
  return out;
}

const AGGREGATE_STATES = 20_000;
const FILL_STATES = 20_000; // each processor's fill is a heuristic packing: a coarser grid is enough

/** `budget`: work allowed to a vector search that need not be exact (see vectorKnapsack). */
export function price(p: Problem, t: number, duals: number[], budget?: number): Priced {
  const bt = p.bins[t]!;
  const counts = new Map<number, number>();
  const add = (i: number) => counts.set(i, (counts.get(i) ?? 0) + 1);
  if (bt.procs === 1) {
    const cap = [...bt.procCap, ...bt.instCap];
    const items = itemsFor(p, t, duals, 'both');
    // several dimensions bind at once (vector packing): branch and bound, exact where the grid
    // DP would have to coarsen; one dimension keeps knapsack.ts's own methods
    const active = cap.filter((_, d) => items.some((x) => (x.size[d] ?? 0) > 0)).length;
    const vec = active > 1 && !gridIsExact(items, cap) ? vectorKnapsack(items, cap, budget) : null;
    // a column search that need not be exact (extra columns) keeps what the budget found
    if (vec && (vec.exact || budget !== undefined)) {
      vec.take.forEach(add);
      return { pattern: { type: t, counts, procs: [vec.take] }, value: vec.value, upper: vec.upper };
    }
    // otherwise the grid DP (rounded up: a packing; rounded down: an upper bound), keeping the
    // better packing and the tighter bound of the two methods
    const grid = knapsack(items, cap, 'up');
    const found = vec && vec.value > grid.value ? vec : grid;
    const upper = grid.exact ? grid.value : Math.max(found.value, Math.min(vec?.upper ?? Infinity, knapsack(items, cap, 'down').value));
    found.take.forEach(add);
    return { pattern: { type: t, counts, procs: [found.take] }, value: found.value, upper };
  }
  // several processors: the best set for the instance's total processor capacity (on a coarse
  // grid, rounded down) is an upper bound; when it really fits the processors, the best pattern
  const aggCap = bt.procCap.map((c) => c * bt.procs);
  const agg = knapsack(itemsFor(p, t, duals, 'proc'), aggCap, 'down', AGGREGATE_STATES);
  const aggUpper = agg.value;
  const spread = repackOn(p, agg.take, t);
  if (spread) {
    for (const i of agg.take) add(i);
    return { pattern: { type: t, counts, procs: spread.procs }, value: agg.value, upper: agg.value };
  }
  // otherwise fill the processors one after another within what the instance has left
  const left = p.items.map((it) => Math.min(it.demand, it.maxPerBin));
  const instLeft = [...bt.instCap];
  const procs: number[][] = [];
  let value = 0;
  for (let k = 0; k < bt.procs; k++) {
    const items = itemsFor(p, t, duals, 'proc', left).filter((x) => {
      const s = p.items[x.id]!.sizes[t]!.inst;
      return s.every((v, d) => v <= instLeft[d]! + EPS);
    });
    const found = knapsack(items, bt.procCap, 'up', FILL_STATES);
    // keep the most valuable items per unit of instance resources that still fit the instance
    const take = [...found.take].sort((a, b) => density(p, t, duals, b, bt.instCap) - density(p, t, duals, a, bt.instCap));
    const proc: number[] = [];
    for (const i of take) {
      const s = p.items[i]!.sizes[t]!.inst;
      if (!s.every((v, d) => v <= instLeft[d]! * (1 + NOISE) + EPS)) continue;
      s.forEach((v, d) => (instLeft[d]! -= v));
      left[i]!--;
      value += duals[i] ?? 0;
      proc.push(i);
      add(i);
    }
    if (proc.length === 0) break;
    procs.push(proc);
  }
  const perProc = knapsack(itemsFor(p, t, duals, 'proc'), bt.procCap, 'down').value * bt.procs;
  const instItems = itemsFor(p, t, duals, 'inst');
  const byInst = instItems.some((x) => x.size.some((v) => v > 0)) ? knapsack(instItems, bt.instCap, 'down').value : Infinity;
  const all = instItems.reduce((a, x) => a + x.value * x.count, 0);
  return { pattern: { type: t, counts, procs }, value, upper: Math.max(value, Math.min(perProc, byInst, all, aggUpper)) };
}

function density(p: Problem, t: number, duals: number[], i: number, cap: number[]): number {
  const s = p.items[i]!.sizes[t]!.inst;
  const used = s.reduce((a, v, d) => a + v / (cap[d] || 1), 0);
  return (duals[i] ?? 0) / (used + EPS);
}
