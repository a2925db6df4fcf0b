// Bin-elimination local search (after Falkenauer's and Levine–Ducatelle's dominance swaps, as
// used by Alvim et al. and Fleszar–Hindi): empty the least useful instance into a pool, then
// let the other processors swap up to two of their items for one or two pooled items whenever
// that makes them fuller (the pool is left with smaller, easier items) and take pooled items
// that fit outright. An empty pool is a plan with one instance fewer; otherwise the attempt is
// undone. Sizes in several dimensions are compared by their scalarized weight (bin-state.ts).
import { add, canSwap, fill, remove, toLive, fromLive, weights, type LiveBin } from './bin-state.js';
import { bestGreedy, downgrade } from './greedy.js';
import { solutionCost, type Problem, type Solution } from '../model/problem.js';
import { lcg } from '../../seeded-random.js';
import { EPS, NOISE } from '../model/tolerance.js';
import type { SearchLimits } from './search-limits.js';

const POOL_PAIRS = 40; // the pooled items considered in pairs (largest first)
const MAX_PASSES = 60;
const YIELD_MS = 40;
const MAX_STALE = 300; // steps without progress before restarting from the best plan

interface Move {
  gain: number;
  minus: number[];
  plus: number[];
}

function subsets(items: number[], limit: number): number[][] {
  const out: number[][] = items.map((i) => [i]);
  const n = Math.min(items.length, limit);
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) out.push([items[a]!, items[b]!]);
  return out;
}

function weightOf(w: Array<Array<number | null>>, items: number[], t: number): number {
  let s = 0;
  for (const i of items) s += w[i]![t] ?? Infinity;
  return s;
}

/** The swap that makes processor k of b fullest, if any makes it fuller. */
function bestMove(p: Problem, w: Array<Array<number | null>>, b: LiveBin, k: number, plusSets: number[][]): Move | null {
  const proc = b.procs[k] ?? [];
  const minusSets: number[][] = [[], ...subsets(proc, 64)];
  let best: Move | null = null;
  for (const minus of minusSets) {
    const out = weightOf(w, minus, b.type);
    for (const plus of plusSets) {
      const gain = weightOf(w, plus, b.type) - out;
      if (!(gain > EPS) || (best && gain <= best.gain)) continue;
      if (canSwap(p, b, k, minus, plus)) best = { gain, minus, plus };
    }
  }
  return best;
}

/** Swaps pooled items into the processors of `bins` while that makes them fuller; returns the pool left. */
function absorb(p: Problem, w: Array<Array<number | null>>, bins: LiveBin[], start: number[], past: () => boolean): number[] {
  let pool = start;
  const key = (i: number) => Math.max(...w[i]!.map((v) => v ?? 0));
  for (let pass = 0; pass < MAX_PASSES && pool.length > 0 && !past(); pass++) {
    let moved = false;
    for (const b of bins) {
      const procs = p.bins[b.type]!.procs;
      for (let k = 0; k < procs && pool.length > 0; k++) {
        pool.sort((x, y) => key(y) - key(x));
        const distinct = [...new Set(pool)];
        const plusSets = subsets(distinct, POOL_PAIRS);
        for (const i of distinct) if (pool.indexOf(i) !== pool.lastIndexOf(i)) plusSets.push([i, i]);
        const m = bestMove(p, w, b, k, plusSets);
        if (!m) continue;
        for (const i of m.minus) remove(p, b, k, i);
        for (const i of m.plus) {
          add(p, b, k, i);
          pool.splice(pool.indexOf(i), 1);
        }
        pool = [...pool, ...m.minus];
        moved = true;
      }
    }
    if (!moved) break;
  }
  return pool;
}

function squares(p: Problem, w: Array<Array<number | null>>, s: Solution): number {
  return toLive(p, s).reduce((a, b) => a + fill(p, w, b) ** 2, 0);
}

/**
 * Improves a plan until the deadline: each step empties one to three of the emptiest instances
 * (per unit of price), absorbs their items into the others by dominance swaps and packs what is
 * left onto new instances greedily. A step is kept when the plan costs no more (moves across
 * plateaus let the next steps empty what the swaps left behind), so the best plan only improves.
 */
export async function binElimination(p: Problem, s: Solution, limits: SearchLimits): Promise<Solution> {
  const { deadline, target: lowerBound, now = Date.now } = limits;
  const past = () => now() >= deadline;
  const w = weights(p);
  const random = lcg(limits.seed);
  let current = s;
  let cost = solutionCost(p, s);
  let best = s;
  let bestCost = cost;
  let stale = 0;
  let currentSq = squares(p, w, s);
  let yielded = now();
  for (let step = 0; !past() && current.bins.length > 1 && bestCost > lowerBound() + EPS; step++) {
    if (now() - yielded > YIELD_MS) {
      // let the solver thread hear from the GLPK worker (a better bound may end the search)
      await new Promise((resolve) => setImmediate(resolve));
      yielded = now();
    }
    if (stale >= MAX_STALE) {
      // stuck on a plateau: restart from the best plan (the random choices differ each time)
      current = best;
      cost = bestCost;
      currentSq = squares(p, w, best);
      stale = 0;
    }
    const bins = toLive(p, current);
    const r = Math.min(bins.length - 1, 1 + (step % 3));
    const order = bins.map((_, j) => j).sort((a, b) => fill(p, w, bins[a]!) / p.bins[bins[a]!.type]!.cost - fill(p, w, bins[b]!) / p.bins[bins[b]!.type]!.cost);
    // the r emptiest, now and then one of them traded for a random other instance
    const victims = new Set(order.slice(0, r));
    if (random() < 0.3) {
      victims.delete(order[Math.floor(random() * r)]!);
      victims.add(order[Math.floor(random() * order.length)]!);
    }
    const pool = [...victims].flatMap((j) => bins[j]!.procs.flat());
    const rest = bins.filter((_, j) => !victims.has(j));
    const left = absorb(p, w, rest, pool, past);
    const counts = p.items.map(() => 0);
    for (const i of left) counts[i]!++;
    const extra = left.length ? bestGreedy({ ...p, items: p.items.map((it, i) => ({ ...it, demand: counts[i]! })) }) : { bins: [] };
    const next = downgrade(p, { bins: [...fromLive(rest).bins, ...extra.bins] });
    const c = solutionCost(p, next);
    const sq = squares(p, w, next);
    // same cost: keep the plan whose instances are more unevenly full (Falkenauer's fitness), so
    // that the emptiest ones get emptier and the next steps can remove them
    if (c < cost - EPS || (c <= cost + EPS && sq >= currentSq - NOISE)) {
      stale = c < cost - EPS || sq > currentSq + EPS ? 0 : stale + 1;
      current = next;
      cost = c;
      currentSq = sq;
      if (c < bestCost - EPS) {
        best = next;
        bestCost = c;
      }
    } else stale++;
  }
  return best;
}
