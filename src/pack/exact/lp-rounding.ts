// Residual rounding of the converged pattern LP for one-dimensional problems: keep the patterns
// the LP uses at whole values (rounded down), and pack the items left over with consistent
// neighborhood search aiming at ⌈LP⌉ minus the kept bins. Where the LP bound is tight (IRUP, as
// on Hard28) the LP's whole patterns usually belong to an optimum, and the residual is a much
// smaller, easier search than the whole. Later attempts dive (keep the whole patterns, then fix
// one pattern at a time, re-pricing the residual LP) until 15–40 % of the items are left, and
// search that.
import { columnsToSolution, type DiveTo } from './column-generation.js';
import { bestGreedy } from '../heuristics/greedy.js';
import { oneDimensional, oneDimSearch } from '../heuristics/one-dim-search.js';
import type { Pattern } from './pricing.js';
import type { Problem, Solution } from '../model/problem.js';
import { lcg } from '../../seeded-random.js';
import { LP_TOL } from '../model/tolerance.js';

const LEAVE = [0.15, 0.4]; // share of the items a dive leaves to the search (drawn per attempt)
const ATTEMPT_MS = 600;

/** The kept bins and the problem of what they leave. */
export function residualOf(p: Problem, cols: Pattern[], mult: number[]): { fixed: Solution; residual: Problem } {
  const fixed = columnsToSolution(p, cols, mult);
  const left = p.items.map((it) => it.demand);
  for (const b of fixed.bins) for (const i of b.procs.flat()) left[i]!--;
  return { fixed, residual: { ...p, items: p.items.map((it, i) => ({ ...it, demand: left[i]! })) } };
}

/**
 * Rounding attempts until the deadline or a plan of `lpBound` instances (the LP value rounded
 * up); reports plans with fewer instances than `best()`.
 */
export async function lpResidualSearch(p: Problem, root: { cols: Pattern[]; x: number[] }, dive: DiveTo, lpBound: number, deadline: number, best: () => number, found: (s: Solution) => void): Promise<void> {
  const random = lcg(1);
  const copies = p.items.reduce((a, it) => a + it.demand, 0);
  for (let attempt = 0; Date.now() < deadline && best() > lpBound; attempt++) {
    let cols = root.cols;
    let mult = root.x.map((v) => Math.floor(v + LP_TOL));
    if (attempt > 0) {
      const d = dive(Math.ceil(copies * (LEAVE[0]! + random() * (LEAVE[1]! - LEAVE[0]!))), lpBound, random, deadline);
      if (!d) continue;
      ({ cols, mult } = d);
    }
    const { fixed, residual } = residualOf(p, cols, mult);
    const view = oneDimensional(residual);
    const start = bestGreedy(residual);
    const total = (s: Solution) => fixed.bins.length + s.bins.length;
    const offer = (s: Solution) => {
      if (total(s) < best()) found({ bins: [...fixed.bins, ...s.bins] });
    };
    offer(start);
    if (!view || start.bins.length === 0) continue;
    const until = Math.min(deadline, Date.now() + ATTEMPT_MS);
    await oneDimSearch(view, start, until, () => lpBound - fixed.bins.length, offer, attempt + 1);
  }
}
