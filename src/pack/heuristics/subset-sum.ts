// Largest subset sum not above a capacity, preferring fewer items on ties: the "unlimited add/drop"
// move of consistent neighborhood search (refill one bin from its items and the unplaced ones)
// and its end test (do the unplaced items fit into two bins?). A depth-first branch and bound
// over the items in decreasing order, bounded by a node budget so one call never stalls a step;
// the answer is the best subset found, exact when `exact` is true.
import { EPS } from '../model/tolerance.js';

export interface SubsetSum {
  sum: number;
  take: number[]; // indexes into the weights given
  exact: boolean;
}


export function maxSubsetSum(weights: number[], cap: number, nodeBudget = 20_000): SubsetSum {
  const order = weights.map((_, i) => i).sort((a, b) => weights[b]! - weights[a]!);
  const w = order.map((i) => weights[i]!);
  const n = w.length;
  // suffix sums: what the items from k on can still add
  const rest = new Array<number>(n + 1).fill(0);
  for (let k = n - 1; k >= 0; k--) rest[k] = rest[k + 1]! + w[k]!;
  let bestSum = -1;
  let bestCount = Infinity;
  let bestTake: number[] = [];
  const chosen: number[] = [];
  let nodes = 0;
  let exact = true;
  const visit = (k: number, sum: number): boolean => {
    if (++nodes > nodeBudget) {
      exact = false;
      return true;
    }
    if (sum > bestSum + EPS || (sum > bestSum - EPS && chosen.length < bestCount)) {
      bestSum = sum;
      bestCount = chosen.length;
      bestTake = [...chosen];
      if (sum > cap - EPS) return true; // a full bin: nothing better to find
    }
    if (k >= n || sum + rest[k]! < bestSum - EPS) return false;
    if (sum + w[k]! <= cap + EPS) {
      chosen.push(k);
      const stop = visit(k + 1, sum + w[k]!);
      chosen.pop();
      if (stop) return true;
    }
    // skipping item k skips its equal-weight followers too: taking a later copy instead of k
    // would only repeat a subset already tried
    let j = k + 1;
    while (j < n && Math.abs(w[j]! - w[k]!) < EPS) j++;
    return visit(j, sum);
  };
  visit(0, 0);
  return { sum: Math.max(0, bestSum), take: bestTake.map((k) => order[k]!), exact };
}

/** Whether items of these weights fit into two bins of capacity `cap` (false when unsure). */
export function fitsTwoBins(weights: number[], cap: number): { fits: boolean; first: number[] } {
  const total = weights.reduce((a, b) => a + b, 0);
  if (total > 2 * cap + EPS) return { fits: false, first: [] };
  if (total <= cap + EPS) return { fits: true, first: weights.map((_, i) => i) };
  const r = maxSubsetSum(weights, cap);
  return { fits: total - r.sum <= cap + EPS, first: r.take };
}
