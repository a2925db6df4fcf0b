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
import type { GLPK, LP } from 'glpk.js/node';
import { mixMip, type MixCut } from './mix-mip.js';
import { price, type Pattern } from '../exact/pricing.js';
import { ColumnPool } from '../exact/master-lp.js';
import type { Problem, Solution } from '../model/problem.js';
import { columnsToSolution } from '../exact/column-generation.js';
import { planOnMix } from '../exact/mix-plan.js';

const PRICE_BUDGET = 400_000; // vector pricing work per type of the mix and round (its bound stays valid)
const SIDE_BUDGET = 50_000; // for the extra columns and the cut's other types (weaker bounds, still valid)
const SLACK = 1e-6;
const HELD = 0.5; // LP shortage (copies) below which a whole-number plan on the pool is worth a MIP // a phase-1 shortage below this (in copies) counts as held
const MAX_ROUNDS = 200; // pattern LP rounds per mix
const PLAN_EVERY = 10; // rounds between tries of a plan on the pool while the LP nearly holds the models
const PLAN_SECONDS = 2;

export type CutOutcome = { kind: 'bound'; value: number; mix: number[] } | { kind: 'incumbent-optimal' } | { kind: 'unknown' };

export interface CutEvents {
  bound(value: number): void;
  /** A plan costing the bound (so optimal). */
  solution(s: Solution): void;
}

/** The pattern LP (or MIP) on `mix`: shortage per model (copies no packing holds), minimised. */
function phaseOneModel(g: GLPK, p: Problem, cols: Pattern[], mix: number[], integer: boolean): LP {
  const rows: LP['subjectTo'] = p.items.map((it, i) => ({ name: `r${i}`, vars: [{ name: `s${i}`, coef: 1 }], bnds: { type: g.GLP_LO, lb: it.demand, ub: 0 } }));
  const count = mix.map((n, t) => ({ name: `k${t}`, vars: [] as Array<{ name: string; coef: number }>, bnds: { type: g.GLP_UP, lb: 0, ub: n } }));
  cols.forEach((c, j) => {
    for (const [i, n] of c.counts) rows[i]!.vars.push({ name: `x${j}`, coef: n });
    count[c.type]!.vars.push({ name: `x${j}`, coef: 1 });
  });
  const objective = { direction: g.GLP_MIN, name: 'short', vars: p.items.map((_, i) => ({ name: `s${i}`, coef: 1 })) };
  return { name: 'mix-patterns', objective, subjectTo: [...rows, ...count.filter((c) => c.vars.length)], ...(integer ? { generals: cols.map((_, j) => `x${j}`) } : {}) };
}

function phaseOne(g: GLPK, p: Problem, cols: Pattern[], mix: number[]) {
  const r = g.solve(phaseOneModel(g, p, cols, mix, false), { msglev: g.GLP_MSG_OFF });
  if (r.result.status !== g.GLP_OPT) return null;
  const sigma = p.items.map((_, i) => Math.max(0, r.result.dual?.[`r${i}`] ?? 0));
  const pi = mix.map((_, t) => Math.max(0, -(r.result.dual?.[`k${t}`] ?? 0)));
  return { short: r.result.z, sigma, pi };
}

/** The cut of weights `sigma`: every type's knapsack bound (`upper[t]` where given) against the weight of the whole fleet. */
export function knapsackCut(p: Problem, sigma: number[], upper: Array<number | undefined> = []): MixCut {
  const rhs = p.items.reduce((a, it, i) => a + (sigma[i] ?? 0) * it.demand, 0);
  // a hair of slack: the LP's and the knapsack's rounding must not cut off a plan
  const coef = p.bins.map((_, t) => (upper[t] ?? price(p, t, sigma, SIDE_BUDGET).upper) * (1 + 1e-9) + 1e-12);
  return { coef, rhs };
}

const EXTRA_COLUMNS = 3; // more columns per type and round, each avoiding the previous one's models
/**
 * Patterns of type `t` priced at weights `at` (the first, then up to EXTRA_COLUMNS avoiding the
 * previous one's models), added to `pool` when they improve the LP (its duals `sigma`, `pi`); the
 * type's knapsack bound at `at`.
 */
function priceType(p: Problem, t: number, at: number[], lp: { sigma: number[]; pi: number[] }, pool: ColumnPool, budget?: number): { added: number; upper: number } {
  const first = price(p, t, at, budget);
  let added = 0;
  const d = [...at];
  for (let k = 0, pr = first; k <= EXTRA_COLUMNS; k++) {
    const worth = [...pr.pattern.counts].reduce((a, [i, n]) => a + (lp.sigma[i] ?? 0) * n, 0);
    if (worth > lp.pi[t]! * (1 + 1e-9) + 1e-12 && pool.add(pr.pattern)) added++;
    for (const i of pr.pattern.counts.keys()) d[i] = 0;
    pr = price(p, t, d, SIDE_BUDGET);
  }
  return { added, upper: first.upper };
}

const violated = (c: MixCut, mix: number[]) => mix.reduce((a, n, t) => a + n * c.coef[t]!, 0) < c.rhs * (1 - 1e-7) - 1e-9;

const SMOOTH = 0.7; // weight of the best point so far in the smoothed weights (Wentges)

/**
 * A cut that `mix` violates, or null when the pattern LP holds the models on it (or time is up).
 * Columns of the mix's types are priced in until the LP either holds the models or weights cut.
 * The phase-1 LP is degenerate and its duals jump from round to round, so pricing happens at a
 * point between them and the best weights so far (Wentges smoothing), at the LP's own duals when
 * that finds no column, and with the exact (unbudgeted) search when the budgeted one finds none.
 */
function cutFor(g: GLPK, p: Problem, mix: number[], pool: ColumnPool, deadline: number): { cut: MixCut } | { plan: Solution } | null {
  const types = mix.flatMap((n, t) => (n > 0 ? [t] : []));
  let center: { sigma: number[]; gap: number } | null = null;
  for (let round = 0; round < MAX_ROUNDS && Date.now() < deadline; round++) {
    const lp = phaseOne(g, p, pool.cols.filter((c) => mix[c.type]! > 0), mix);
    if (!lp) return null;
    // (nearly) held: whole patterns may hold the models on this mix, a plan at the bound
    if (lp.short <= SLACK || (lp.short < HELD && round % PLAN_EVERY === PLAN_EVERY - 1)) {
      const plan = planOnPool(g, p, pool.cols, mix, Math.min(PLAN_SECONDS, (deadline - Date.now()) / 1000));
      if (plan) return { plan };
      if (lp.short <= SLACK) return null;
    }
    const c = center;
    const points: Array<[number[], number | undefined]> = [[lp.sigma, PRICE_BUDGET], [lp.sigma, undefined]];
    if (c) points.unshift([lp.sigma.map((v, i) => SMOOTH * c.sigma[i]! + (1 - SMOOTH) * v), PRICE_BUDGET]);
    let added = 0;
    for (const [at, budget] of points) {
      const upper: number[] = [];
      for (const t of types) {
        const r = priceType(p, t, at, lp, pool, budget);
        added += r.added;
        upper[t] = r.upper;
      }
      const cut: MixCut = { coef: mix.map((_, t) => (upper[t] ?? 0) * (1 + 1e-9) + 1e-12), rhs: p.items.reduce((a, it, i) => a + (at[i] ?? 0) * it.demand, 0) };
      if (violated(cut, mix)) return { cut: knapsackCut(p, at, upper) };
      // how far the weights are from cutting: the point to smooth towards
      const gap = cut.rhs - mix.reduce((a, n, t) => a + n * cut.coef[t]!, 0);
      if (!center || gap > center.gap) center = { sigma: at, gap };
      if (added > 0 || Date.now() >= deadline) break;
    }
    if (added === 0) return null;
  }
  return null;
}

/** A plan on `mix` from the pool's patterns (each type at most its count in the mix), or null. */
export function planOnPool(g: GLPK, p: Problem, pool: Pattern[], mix: number[], seconds: number): Solution | null {
  const cols = pool.filter((c) => mix[c.type]! > 0);
  const r = g.solve(phaseOneModel(g, p, cols, mix, true), { msglev: g.GLP_MSG_OFF, tmlim: Math.max(1, Math.floor(seconds)), presol: true });
  if ((r.result.status !== g.GLP_OPT && r.result.status !== g.GLP_FEAS) || r.result.z > SLACK) return null;
  return columnsToSolution(p, cols, cols.map((_, j) => r.result.vars[`x${j}`] ?? 0));
}

/**
 * The mix MIP with knapsack cuts from `lb` up, until the deadline: `bound` for each rise, the
 * last mix found (for a plan on it), or the incumbent proven optimal. `lb`, `incumbent` in
 * objective units.
 */
export function mixCutBound(g: GLPK, p: Problem, lb: number, incumbent: () => number, deadline: number, on: CutEvents): CutOutcome {
  const cuts: MixCut[] = [];
  const pool = new ColumnPool();
  let last: CutOutcome = { kind: 'unknown' };
  while (Date.now() < deadline) {
    const inc = incumbent();
    if (lb >= inc - 1e-9) return { kind: 'incumbent-optimal' };
    const r = mixMip(g, p, lb, inc, (deadline - Date.now()) / 1000, cuts);
    if (r.kind !== 'bound') return r.kind === 'incumbent-optimal' ? r : last;
    if (r.value > lb + 1e-9) on.bound((lb = r.value));
    last = r;
    const out = cutFor(g, p, r.mix, pool, deadline);
    if (!out) {
      // the patterns hold the models on this mix (or time ran out): the assignment MIP on its types
      const plan = r.value < incumbent() - 1e-9 ? planOnMix(g, p, r.mix, r.value, (deadline - Date.now()) / 1000) : null;
      if (plan) on.solution(plan);
      return plan ? { kind: 'incumbent-optimal' } : last;
    }
    if ('plan' in out) {
      on.solution(out.plan);
      return { kind: 'incumbent-optimal' };
    }
    cuts.push(out.cut);
  }
  return last;
}

/** The solver worker's step (src/pack/solve/solve-worker.ts): the cut loop from `lb`, its bounds and plan reported. */
export function mixCutStep(g: GLPK, p: Problem, lb: number, best: () => number, until: number, on: { bound(value: number, method: string): void; solution(s: Solution, method: string): void }): void {
  if (p.bins.length < 2 || lb >= best() - 1e-9) return;
  const method = 'instance-mix MIP with knapsack cuts';
  const out = mixCutBound(g, p, lb, best, until, { bound: (v) => on.bound(v, method), solution: (s) => on.solution(s, `pattern MIP on the ${method}' mix`) });
  if (out.kind === 'incumbent-optimal') on.bound(best(), `${method} (no cheaper mix)`);
}
