// pack --spot's search: the spot relaxation (spot-bound.ts) gives the bound and how many models of
// each type it would put all-spot; that choice, rounded, becomes an ordinary problem (spot-problem.ts)
// for the existing solver. A plan over the spot-share cap moves the models whose spot saving is
// worth least per dollar of excess back to on-demand and is solved again. The on-demand-only plan
// is solved too (share 0: always allowed) and wins when the spot plans are no cheaper.
import GLPK from 'glpk.js/node';
import { solutionCost } from '../model/problem.js';
import { solvePacking, type SolveResult } from '../solve/solver.js';
import { spotBound, type SpotBound } from './spot-bound.js';
import { solveParts } from './spot-parts.js';
import { canGoSpot, spotProblem, type SpotProblem } from './spot-problem.js';
import { copiesPerInstance, type SpotSetup } from './spot-setup.js';
import { EPS, LP_TOL, NOISE } from '../model/tolerance.js';

const ON_DEMAND_SHARE = 0.25; // of the time limit, for the on-demand-only plan
const MAX_ROUNDS = 4; // spot solves, when the share cap makes more needed
const SHARE_MARGIN = 1.02; // move a little more than the estimate says, to land under the cap

export interface SpotCosts {
  spot: number;
  onDemand: number;
}

export interface SpotSolve {
  chosen: SpotProblem; // the problem the plan solves (all on-demand when that won)
  result: SolveResult; // its plan, with the spot bound as lower bound
  bound: SpotBound;
  onDemandOnly: SolveResult;
  rounds: number;
}

export function costsOf(sp: SpotProblem, r: SolveResult): SpotCosts {
  const c = { spot: 0, onDemand: 0 };
  for (const b of r.solution.bins) {
    const price = sp.problem.bins[b.type]!.price;
    if (sp.bins[b.type]!.market === 'spot') c.spot += price;
    else c.onDemand += price;
  }
  return c;
}

/** $ per model of item type i on each market: the cheapest price per copy over the types. */
function perModel(set: SpotSetup, i: number): { od: number; spot: number } {
  const p = set.base;
  let od = Infinity;
  let spot = Infinity;
  p.bins.forEach((b, t) => {
    const n = copiesPerInstance(p, i, t);
    if (n === 0) return;
    od = Math.min(od, b.price / n);
    if (set.offers[t]) spot = Math.min(spot, set.offers[t]!.price / n);
  });
  const { r, c } = set.groups[i]!;
  return { od: r * od, spot: c * spot };
}

/** The spot cost over the cap ($/h) by the per-model estimates: ≤ 0 when under it. */
export function estimatedExcess(set: SpotSetup, u: number[]): number {
  let spot = 0;
  let od = 0;
  set.base.items.forEach((_, i) => {
    const m = perModel(set, i);
    spot += (u[i] ?? 0) * m.spot;
    od += (set.groups[i]!.k - (u[i] ?? 0)) * m.od;
  });
  return spot - set.maxShare * (spot + od);
}

/** Fewer all-spot models: enough, by the per-model estimates, to bring `excess` $ under the cap. */
export function reduceSpot(set: SpotSetup, u: number[], excess: number): number[] {
  const next = [...u];
  const worth = set.base.items
    .map((_, i) => {
      const m = perModel(set, i);
      const relief = m.spot * (1 - set.maxShare) + set.maxShare * m.od; // excess removed per model moved
      return { i, relief, ratio: (m.od - m.spot) / Math.max(relief, NOISE) };
    })
    .filter((x) => (next[x.i] ?? 0) > 0 && x.relief > 0)
    .sort((a, b) => a.ratio - b.ratio);
  let left = excess * SHARE_MARGIN;
  for (const { i, relief } of worth) {
    if (left <= 0) break;
    const n = Math.min(next[i]!, Math.ceil(left / relief));
    next[i] = next[i]! - n;
    left -= n * relief;
  }
  return next;
}

export async function solveSpot(set: SpotSetup, timeLimitMs: number, onProgress?: (msg: string) => void): Promise<SpotSolve> {
  const t0 = Date.now();
  const deadline = t0 + timeLimitMs;
  const g = await GLPK();
  const bound = spotBound(g, set);
  onProgress?.(`spot bound ${bound.value.toFixed(4)} (${bound.method})`);
  const onDemandOnly = await solvePacking(set.base, { timeLimitMs: Math.max(1, timeLimitMs * ON_DEMAND_SHARE) });
  const allOnDemand = spotProblem(set, set.base.items.map(() => 0));
  let best: { sp: SpotProblem; r: SolveResult } = { sp: allOnDemand, r: onDemandOnly };
  let u = bound.spotModels.map((v, i) => (canGoSpot(set, i) ? Math.min(set.groups[i]!.k, Math.round(v + LP_TOL)) : 0));
  // a bound that relaxed the cap (too many item types for the LP) may suggest too much spot
  const over = estimatedExcess(set, u);
  if (over > 0) u = reduceSpot(set, u, over);
  // plans pack worse than the one-type estimates say: scale the next correction by what the
  // last one achieved
  let scale = 1;
  let asked = 0;
  let lastExcess = 0;
  let rounds = 0;
  const proven = () => solutionCost(best.sp.problem, best.r.solution) <= bound.value + LP_TOL;
  while (rounds < MAX_ROUNDS && u.some((v) => v > 0) && Date.now() < deadline && !proven()) {
    rounds++;
    const sp = spotProblem(set, u);
    const slice = (deadline - Date.now()) / (MAX_ROUNDS - rounds + 1);
    const r = await solveParts(sp.problem, sp.bins, Math.max(1, rounds === 1 ? (deadline - Date.now()) * 0.6 : slice));
    const c = costsOf(sp, r);
    const excess = c.spot - set.maxShare * (c.spot + c.onDemand);
    onProgress?.(`spot round ${rounds}: ${sp.spotModels} models all-spot, $${(c.spot + c.onDemand).toFixed(4)}/h, spot share ${(c.spot / Math.max(NOISE, c.spot + c.onDemand)).toFixed(3)}`);
    if (excess <= EPS) {
      if (r.objectiveValue < solutionCost(best.sp.problem, best.r.solution) - EPS) best = { sp, r };
      break;
    }
    if (asked > 0 && lastExcess - excess > EPS) scale = Math.min(10, Math.max(1, (scale * asked) / (lastExcess - excess)));
    asked = excess * scale;
    lastExcess = excess;
    u = reduceSpot(set, u, asked);
  }
  const cost = solutionCost(best.sp.problem, best.r.solution);
  if (bound.value > cost + LP_TOL * Math.max(1, cost)) throw new Error(`spot bound ${bound.value} above a feasible plan's cost ${cost}`);
  const lowerBound = Math.min(bound.value, cost);
  const optimal = cost <= lowerBound + LP_TOL;
  const result: SolveResult = {
    ...best.r,
    objectiveValue: cost,
    lowerBound,
    optimal,
    gap: cost > 0 ? Math.max(0, (cost - lowerBound) / cost) : 0,
    seconds: (Date.now() - t0) / 1000,
    timedOut: !optimal && Date.now() >= deadline,
    method: `${best.sp.spotModels > 0 ? 'spot-aware' : 'on-demand only'}: ${best.r.method}; bound: ${bound.method}`,
  };
  return { chosen: best.sp, result, bound, onDemandOnly, rounds };
}
