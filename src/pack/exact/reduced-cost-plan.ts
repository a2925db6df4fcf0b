// The reduced-cost search (src/pack/exact/reduced-cost-search.ts) on a packing problem: one-dimensional
// problems (processors as bins, grouped into instances afterwards) with the converged root LP's
// duals. Looks for a plan of `instances` instances among the bins whose reduced costs fit in the
// LP's gap: a short depth-first search, then an exact-cover MIP over those bins on glpk.js. When
// every such bin was enumerated and neither finds a plan, none exists: the optimum is at least
// `instances + 1`.
import type { GLPK } from 'glpk.js/node';
import { coverSearch, enumeratePatterns, type RcPattern, type RcProblem } from './reduced-cost-search.js';
import { knapsack } from './knapsack.js';
import { oneDimensional } from '../heuristics/one-dim-search.js';
import type { Problem, Solution } from '../model/problem.js';
import { binsToSolution } from '../model/convert.js';
import { NOISE } from '../model/tolerance.js';

export const RC_MAX_PATTERNS = 5_000; // more bins within the gap than this: the MIP seldom ends in seconds (Hard28: 6,000–11,000 took 7–10 s)
const ENUM_NODES = 20_000_000; // enumeration steps (~0.5 s; Hard28 takes 0.1–0.8 million, AI instances billions)
const DFS_SHARE = 0.15; // of the time, for the depth-first search before the MIP
const DFS_NODES = 30_000; // and at most this many nodes (it finds plans in hundreds, or stalls)

export type RcOutcome =
  | { kind: 'plan'; solution: Solution; patterns: number }
  | { kind: 'none'; patterns: number } // proof: no plan of that many instances
  | { kind: 'unknown'; patterns: number; why: string };

function rcProblem(p: Problem): { rp: RcProblem; procs: number } | null {
  const v = oneDimensional(p);
  if (!v) return null;
  const w = p.items.map(() => 0);
  v.x.cls.forEach((t, c) => (w[t] = v.x.w[c]!));
  return { rp: { w, demand: p.items.map((it) => it.demand), cap: v.x.cap }, procs: v.procs };
}

function toSolution(bins: RcPattern[], procs: number): Solution {
  return binsToSolution(bins.map((b) => b.types.flatMap((t, k) => new Array<number>(b.counts[k]!).fill(t))), procs);
}

/** min Σ rc·x over the enumerated bins, each item placed exactly, at most `maxBins` bins. */
function coverMip(g: GLPK, rp: RcProblem, patterns: RcPattern[], maxBins: number, seconds: number): { bins: RcPattern[] | null; proven: boolean } {
  const rows = rp.w.map((_, i) => ({ name: `r${i}`, vars: [] as Array<{ name: string; coef: number }>, bnds: { type: g.GLP_FX, lb: rp.demand[i]!, ub: rp.demand[i]! } }));
  patterns.forEach((pt, j) => pt.types.forEach((i, k) => rows[i]!.vars.push({ name: `x${j}`, coef: pt.counts[k]! })));
  const count = { name: 'bins', vars: patterns.map((_, j) => ({ name: `x${j}`, coef: 1 })), bnds: { type: g.GLP_UP, lb: 0, ub: maxBins } };
  const lp = {
    name: 'rc-cover',
    objective: { direction: g.GLP_MIN, name: 'rc', vars: patterns.map((pt, j) => ({ name: `x${j}`, coef: pt.rc })) },
    subjectTo: [...rows, count],
    generals: patterns.map((_, j) => `x${j}`),
  };
  const r = g.solve(lp, { msglev: g.GLP_MSG_OFF, tmlim: Math.max(1, Math.floor(seconds)), presol: true, mipgap: 2 });
  if (r.result.status === g.GLP_NOFEAS) return { bins: null, proven: true };
  if (r.result.status !== g.GLP_OPT && r.result.status !== g.GLP_FEAS) return { bins: null, proven: false };
  const bins = patterns.flatMap((pt, j) => new Array<RcPattern>(Math.round(r.result.vars[`x${j}`] ?? 0)).fill(pt));
  return { bins, proven: false };
}

/**
 * A plan of `instances` instances for a one-dimensional problem, or a proof that none exists,
 * from dual prices `duals` of its item types (any non-negative prices; the converged root LP's
 * make the gap smallest). `dfsNodes`: the depth-first search's node budget before the MIP.
 */
export function reducedCostPlan(g: GLPK, p: Problem, duals: number[], instances: number, deadline: number, dfsNodes = DFS_NODES): RcOutcome {
  const one = rcProblem(p);
  if (!one) return { kind: 'unknown', patterns: 0, why: 'not one-dimensional' };
  const { rp, procs } = one;
  // prices scaled so that no bin is worth more than 1 (dual feasible): by the knapsack's upper
  // bound on the most valuable bin (exact on integer sizes, as the LP's own pricing)
  const prices = rp.w.map((_, i) => Math.max(0, duals[i] ?? 0));
  const items = rp.w.map((w, i) => ({ id: i, value: prices[i]!, size: [w], count: rp.demand[i]! })).filter((x) => x.value > 0);
  const rho = knapsack(items, [rp.cap], 'down').value;
  if (!(rho > 0)) return { kind: 'unknown', patterns: 0, why: 'no positive duals' };
  const sigma = prices.map((v) => v / rho);
  const maxBins = instances * procs;
  const gap = maxBins - sigma.reduce((a, s, i) => a + s * rp.demand[i]!, 0);
  if (gap < -1e-7) return { kind: 'none', patterns: 0 };
  const e = enumeratePatterns(rp, sigma, Math.max(0, gap) + 1e-7, RC_MAX_PATTERNS, deadline, ENUM_NODES);
  if (!e.complete) return { kind: 'unknown', patterns: e.patterns.length, why: e.nodes > ENUM_NODES ? 'enumeration too long' : 'too many bins within the gap' };
  const n = e.patterns.length;
  const dfs = coverSearch(rp, e.patterns, Math.max(0, gap), maxBins, Date.now() + (deadline - Date.now()) * DFS_SHARE, dfsNodes);
  if (dfs.bins) return { kind: 'plan', solution: toSolution(dfs.bins, procs), patterns: n };
  if (dfs.exhausted) return { kind: 'none', patterns: n };
  // the items fill the bins exactly: a perfect exact cover, where the MIP is slow and the
  // consistent search and bin completion fast (Falkenauer triplets: 3–7 s against under 1 s)
  const exactFill = rp.w.reduce((a, w, i) => a + w * rp.demand[i]!, 0) >= maxBins * rp.cap * (1 - NOISE);
  if (exactFill) return { kind: 'unknown', patterns: n, why: 'bins filled exactly: left to the consistent search' };
  const seconds = (deadline - Date.now()) / 1000;
  if (seconds < 0.5) return { kind: 'unknown', patterns: n, why: 'out of time' };
  const mip = coverMip(g, rp, e.patterns, maxBins, seconds);
  if (mip.bins) return { kind: 'plan', solution: toSolution(mip.bins, procs), patterns: n };
  return mip.proven ? { kind: 'none', patterns: n } : { kind: 'unknown', patterns: n, why: 'out of time' };
}
