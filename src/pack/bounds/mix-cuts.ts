// The instance-mix MIP (mix-mip.ts) tightened by knapsack cuts, a Benders-style loop on instance
// counts. The mix MIP pools each type's capacity, so it accepts mixes whose models fit only as
// fluid (memory-heavy 50 models: c5.large + c5.9xlarge + c5.12xlarge hold them to 0.02 % of
// their pooled capacity, at $3.655, where the best plan costs $3.74). For weights σ ≥ 0 on the
// models and U_t(σ) an upper bound on what one instance of type t can hold by weight (the
// pricing knapsack's bound, src/pack/exact/pricing.ts), every plan's counts satisfy
//   Σ_t U_t(σ) · n_t ≥ Σ_i σ_i · demand_i
// (each copy sits on one instance). The weights come from the duals of a small pattern LP that
// asks whether the mix found can hold the models with real packings (column generation on the
// mix's types only, instance counts capped by the mix); when it cannot, its duals give a cut that
// the mix violates, and the mix MIP is solved again. Each MIP optimum is a lower bound; no mix
// left below the incumbent proves it optimal.
import type { GLPK } from 'glpk.js/node';
import { mixMip, type MixCut } from './mix-mip.js';
import { cutFor, type Run } from './mix-pattern-lp.js';
import { ColumnPool } from '../exact/master-lp.js';
import { columnsToSolution } from '../exact/column-generation.js';
import { diveOnMix } from '../exact/mix-dive.js';
import { planOnMix } from '../exact/mix-plan.js';
import type { Problem, Solution } from '../model/problem.js';
import { EPS } from '../model/tolerance.js';

export type CutOutcome = { kind: 'bound'; value: number; mix: number[] } | { kind: 'incumbent-optimal' } | { kind: 'unknown' };

export interface CutLimits {
  lb: number; // objective units
  incumbent: () => number; // the best plan's cost, as it improves
  deadline: number; // Date.now() value
}

export interface CutEvents {
  bound(value: number): void;
  /** A plan costing the bound (so optimal). */
  solution(s: Solution): void;
}

/**
 * The mix MIP with knapsack cuts from `lb` up, until the deadline: `bound` for each rise, the
 * last mix found (for a plan on it), or the incumbent proven optimal. `lb`, `incumbent` in
 * objective units.
 */
export function mixCutBound(g: GLPK, p: Problem, limits: CutLimits, on: CutEvents): CutOutcome {
  const { incumbent, deadline } = limits;
  let lb = limits.lb;
  const cuts: MixCut[] = [];
  const run: Run = { g, p, pool: new ColumnPool(), deadline };
  let last: CutOutcome = { kind: 'unknown' };
  while (Date.now() < deadline) {
    const inc = incumbent();
    if (lb >= inc - EPS) return { kind: 'incumbent-optimal' };
    const r = mixMip(g, p, lb, inc, (deadline - Date.now()) / 1000, cuts);
    if (r.kind !== 'bound') return r.kind === 'incumbent-optimal' ? r : last;
    if (r.value > lb + EPS) on.bound((lb = r.value));
    last = r;
    const out = cutFor(run, r.mix);
    if (out && 'cut' in out) {
      cuts.push(out.cut);
      continue;
    }
    // the patterns hold the models on this mix (or time ran out): a plan on it by diving, else
    // the assignment MIP on its types
    const dived = out ? out.plan : diveOnMix(run, r.mix);
    const plan = dived ? columnsToSolution(p, dived, dived.map(() => 1)) : r.value < incumbent() - EPS ? planOnMix(g, p, r.mix, r.value, (deadline - Date.now()) / 1000) : null;
    if (plan) on.solution(plan);
    return plan ? { kind: 'incumbent-optimal' } : last;
  }
  return last;
}

/** The solver worker's step (src/pack/solve/solve-worker.ts): the cut loop from `lb`, its bounds and plan reported. */
export function mixCutStep(g: GLPK, p: Problem, limits: CutLimits, on: { bound(value: number, method: string): void; solution(s: Solution, method: string): void }): void {
  const best = limits.incumbent;
  // (a free type could be bought without limit: no mix of paid types bounds anything then)
  if (p.bins.length < 2 || p.bins.some((b) => b.cost <= 0) || limits.lb >= best() - EPS) return;
  const method = 'instance-mix MIP with knapsack cuts';
  const out = mixCutBound(g, p, limits, { bound: (v) => on.bound(v, method), solution: (s) => on.solution(s, `plan on the mix of the ${method}`) });
  if (out.kind === 'incumbent-optimal') on.bound(best(), `${method} (no cheaper mix)`);
}
