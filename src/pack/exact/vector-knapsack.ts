// Pricing for vector packing: the most valuable set of items that fits one bin in every
// dimension at once, by depth-first branch and bound. The dense DP of knapsack.ts needs the
// capacities on a small grid (three dimensions of 1,000 units are 10⁹ states, so it coarsens and
// loses exactness); here the bound at each node is the smallest of the fractional (Dantzig)
// fills of each dimension and of their sum, over the items that still fit the room left. Few
// items fit a bin in these problems, so the search ends in a few thousand nodes.
import type { KnapItem, KnapResult } from './knapsack.js';
import { EPS, NOISE } from '../model/tolerance.js';

export interface VectorKnapResult extends KnapResult {
  /** No packing is worth more (equals `value` when exact). */
  upper: number;
}

// work (item visits of the bound), about a second: 120 items in 3 dimensions are ~60,000 nodes
const WORK_BUDGET = 40_000_000;

/** `budget` bounds the work; when it runs out the result is the best found (`exact` false). */
export function vectorKnapsack(items: KnapItem[], cap: number[], budget = WORK_BUDGET): VectorKnapResult {
  const D = cap.length;
  const fitsCap = (s: number[]) => s.every((v, d) => v <= (cap[d] ?? 0) * (1 + NOISE) + EPS);
  const its = items.filter((it) => it.value > 0 && it.count > 0 && fitsCap(it.size));
  const n = its.length;
  if (n === 0) return { value: 0, take: [], exact: true, upper: 0 };
  // a weighted sum of the sizes relative to capacity: a surrogate dimension (weights chosen to
  // make its fractional bound smallest), and the branching order
  const w = surrogateWeights(its, cap);
  const rel = its.map((it) => it.size.reduce((a, v, d) => a + (cap[d]! > 0 ? (w[d]! * v) / cap[d]! : 0), 0));
  const order = its.map((_, j) => j).sort((a, b) => its[b]!.value / (rel[b]! + EPS) - its[a]!.value / (rel[a]! + EPS));
  const value = order.map((j) => its[j]!.value);
  const count = order.map((j) => its[j]!.count);
  // sizes per item (branching order) in D dimensions plus the surrogate one
  const size = order.map((j) => [...its[j]!.size.map((v) => v ?? 0), rel[j]!]);
  const capAll = [...cap, cap.reduce((a, c, d) => a + (c > 0 ? w[d]! : 0), 0)];
  // per dimension, the item positions by value density in that dimension
  const byDim = capAll.map((_, d) =>
    Int32Array.from(
      size.map((_, k) => k).sort((a, b) => value[b]! / (size[b]![d]! + EPS) - value[a]! / (size[a]![d]! + EPS)),
    ),
  );
  const fits = (k: number, room: number[]) => {
    const s = size[k]!;
    for (let d = 0; d < D; d++) if (s[d]! > room[d]! * (1 + NOISE) + EPS) return false;
    return true;
  };
  // min over dimensions of the fractional fill of `room` by items k.. that fit it
  const bound = (k: number, room: number[]): number => {
    let best = Infinity;
    for (let d = 0; d <= D; d++) {
      let left = room[d]!;
      let total = 0;
      for (const j of byDim[d]!) {
        if (j < k || !fits(j, room)) continue;
        const s = size[j]![d]!;
        const all = s * count[j]!;
        if (all <= left + EPS) {
          left -= all;
          total += value[j]! * count[j]!;
        } else {
          total += (left / s) * value[j]!;
          break;
        }
        if (total >= best) break;
      }
      if (total < best) best = total;
    }
    return best;
  };
  let best = 0;
  let bestTake: number[] = new Array<number>(n).fill(0);
  const take = new Array<number>(n).fill(0);
  let nodes = 0;
  const nodeBudget = Math.max(50, budget / (n * (D + 1)));
  const room = [...capAll];
  const root = bound(0, room);
  const visit = (k: number, v: number): boolean => {
    if (++nodes > nodeBudget) return false;
    if (v > best + NOISE) {
      best = v;
      bestTake = [...take];
    }
    // skip items that cannot fit: they are no branch
    while (k < n && !fits(k, room)) k++;
    if (k >= n || v + bound(k, room) <= best + NOISE) return true;
    const s = size[k]!;
    let most = count[k]!;
    for (let d = 0; d < D; d++) if (s[d]! > 0) most = Math.min(most, Math.floor((room[d]! * (1 + NOISE) + EPS) / s[d]!));
    for (let c = most; c >= 0; c--) {
      take[k] = c;
      for (let d = 0; d <= D; d++) room[d]! -= c * s[d]!;
      const ok = visit(k + 1, v + c * value[k]!);
      for (let d = 0; d <= D; d++) room[d]! += c * s[d]!;
      if (!ok) {
        take[k] = 0;
        return false;
      }
    }
    take[k] = 0;
    return true;
  };
  const exact = visit(0, 0);
  const out = order.flatMap((j, k) => new Array<number>(bestTake[k]!).fill(its[j]!.id));
  return { value: best, take: out, exact, upper: exact ? best : Math.max(best, root) };
}

/** The fractional (Dantzig) fill of one bin by items with these scalar sizes (capacity 1). */
function dantzig(items: KnapItem[], size: number[]): number {
  const order = items.map((_, j) => j).sort((a, b) => items[b]!.value / (size[b]! + EPS) - items[a]!.value / (size[a]! + EPS));
  let left = 1;
  let total = 0;
  for (const j of order) {
    const all = size[j]! * items[j]!.count;
    if (all <= left) {
      left -= all;
      total += items[j]!.value * items[j]!.count;
    } else return total + (left / size[j]!) * items[j]!.value;
  }
  return total;
}

/**
 * Weights of the dimensions (summing to 1) whose surrogate constraint, Σ w·size/cap ≤ 1, has
 * the smallest fractional bound: a pattern search over the simplex, moving weight between pairs
 * of dimensions in halving steps. Any weights give a valid bound; good ones prune far more.
 */
function surrogateWeights(items: KnapItem[], cap: number[]): number[] {
  const D = cap.length;
  const live = cap.map((c, d) => c > 0 && items.some((it) => (it.size[d] ?? 0) > 0));
  const n = live.filter(Boolean).length;
  let w = cap.map((_, d) => (live[d] ? 1 / n : 0));
  const f = (x: number[]) => dantzig(items, items.map((it) => it.size.reduce((a, v, d) => a + (live[d] ? (x[d]! * v) / cap[d]! : 0), 0)));
  let best = f(w);
  for (let step = 0.25; step > 0.01; step /= 2) {
    for (let improved = true; improved; ) {
      improved = false;
      for (let a = 0; a < D; a++) {
        for (let b = 0; b < D; b++) {
          if (a === b || !live[a] || !live[b] || w[b]! < step - NOISE) continue;
          const x = [...w];
          x[a]! += step;
          x[b]! -= step;
          const v = f(x);
          if (v < best - NOISE) {
            best = v;
            w = x;
            improved = true;
          }
        }
      }
    }
  }
  return w;
}
