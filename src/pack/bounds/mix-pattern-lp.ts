// The pattern LP on one mix of instance types (for the cut loop, src/pack/bounds/mix-cuts.ts):
// can real packings of the mix's instances, at most as many of each type as the mix has, hold
// the models? Phase 1 (shortage of copies minimised) with column generation on the mix's types.
// Where it cannot, its duals, smoothed towards the best weights so far (Wentges), give a knapsack
// cut the mix violates; where it (nearly) can, a MIP on the patterns may give a plan at once.
import type { GLPK, LP } from 'glpk.js/node';
import type { MixCut } from './mix-mip.js';
import { price, type Pattern } from '../exact/pricing.js';
import type { ColumnPool } from '../exact/master-lp.js';
import type { Problem } from '../model/problem.js';
import { EPS, NOISE } from '../model/tolerance.js';

const PRICE_BUDGET = 400_000; // vector pricing work per type of the mix and round (its bound stays valid)
const SIDE_BUDGET = 50_000; // for the extra columns and the cut's other types (weaker bounds, still valid)
export const SLACK = 1e-6; // a phase-1 shortage below this (in copies) counts as held
const HELD = 0.5; // LP shortage (copies) below which a whole-number plan on the pool is worth a MIP
const MAX_ROUNDS = 200; // pattern LP rounds per mix
const PLAN_EVERY = 10; // rounds between tries of a plan on the pool while the LP nearly holds the models
const PLAN_SECONDS = 2;

/** What one run of the loop shares: the problem, the patterns generated so far, when to stop. */
export interface Run {
  g: GLPK;
  p: Problem;
  pool: ColumnPool;
  deadline: number;
}

/** The pattern LP (or MIP) on `mix`: shortage per model (copies no packing holds), minimised. */
function phaseOneModel({ g, p }: Run, cols: Pattern[], mix: number[], integer = false): LP {
  const rows: LP['subjectTo'] = p.items.map((it, i) => ({ name: `r${i}`, vars: [{ name: `s${i}`, coef: 1 }], bnds: { type: g.GLP_LO, lb: it.demand, ub: 0 } }));
  const count = mix.map((n, t) => ({ name: `k${t}`, vars: [] as Array<{ name: string; coef: number }>, bnds: { type: g.GLP_UP, lb: 0, ub: n } }));
  cols.forEach((c, j) => {
    for (const [i, n] of c.counts) rows[i]!.vars.push({ name: `x${j}`, coef: n });
    count[c.type]!.vars.push({ name: `x${j}`, coef: 1 });
  });
  const objective = { direction: g.GLP_MIN, name: 'short', vars: p.items.map((_, i) => ({ name: `s${i}`, coef: 1 })) };
  return { name: 'mix-patterns', objective, subjectTo: [...rows, ...count.filter((c) => c.vars.length)], ...(integer ? { generals: cols.map((_, j) => `x${j}`) } : {}) };
}

export function phaseOne(run: Run, mix: number[]) {
  const { g, p } = run;
  const cols = run.pool.cols.filter((c) => mix[c.type]! > 0);
  const r = g.solve(phaseOneModel(run, cols, mix), { msglev: g.GLP_MSG_OFF });
  if (r.result.status !== g.GLP_OPT) return null;
  const sigma = p.items.map((_, i) => Math.max(0, r.result.dual?.[`r${i}`] ?? 0));
  const pi = mix.map((_, t) => Math.max(0, -(r.result.dual?.[`k${t}`] ?? 0)));
  return { short: r.result.z, sigma, pi, x: cols.map((c, j) => ({ c, v: r.result.vars[`x${j}`] ?? 0 })) };
}

/** The cut of weights `sigma`: every type's knapsack bound (`upper[t]` where given) against the weight of the whole fleet. */
export function knapsackCut(p: Problem, sigma: number[], upper: Array<number | undefined> = []): MixCut {
  const rhs = p.items.reduce((a, it, i) => a + (sigma[i] ?? 0) * it.demand, 0);
  // a hair of slack: the LP's and the knapsack's rounding must not cut off a plan
  const coef = p.bins.map((_, t) => (upper[t] ?? price(p, t, sigma, SIDE_BUDGET).upper) * (1 + EPS) + NOISE);
  return { coef, rhs };
}

const EXTRA_COLUMNS = 3; // more columns per type and round, each avoiding the previous one's models
/**
 * Patterns of type `t` priced at weights `at` (the first, then up to EXTRA_COLUMNS avoiding the
 * previous one's models), added to `pool` when they improve the LP (its duals `sigma`, `pi`); the
 * type's knapsack bound at `at`.
 */
function priceType({ p, pool }: Run, { t, at, budget }: { t: number; at: number[]; budget: number | undefined }, lp: Duals): { added: number; upper: number } {
  const first = price(p, t, at, budget);
  let added = 0;
  const d = [...at];
  for (let k = 0, pr = first; k <= EXTRA_COLUMNS; k++) {
    const worth = [...pr.pattern.counts].reduce((a, [i, n]) => a + (lp.sigma[i] ?? 0) * n, 0);
    if (worth > lp.pi[t]! * (1 + EPS) + NOISE && pool.add(pr.pattern)) added++;
    for (const i of pr.pattern.counts.keys()) d[i] = 0;
    pr = price(p, t, d, SIDE_BUDGET);
  }
  return { added, upper: first.upper };
}

const violated = (c: MixCut, mix: number[]) => mix.reduce((a, n, t) => a + n * c.coef[t]!, 0) < c.rhs * (1 - 1e-7) - EPS;

const SMOOTH = 0.7; // weight of the best point so far in the smoothed weights (Wentges)

type Duals = { sigma: number[]; pi: number[] };
type Center = { sigma: number[]; gap: number } | null;

/**
 * Prices the mix's types at the smoothed point, then at the LP's duals, then exactly, until one
 * adds columns: a cut the mix violates, or how many columns were added and the new center.
 */
function priceRound(run: Run, mix: number[], lp: Duals, center: Center): { cut: MixCut } | { added: number; center: Center } {
  const { p } = run;
  const types = mix.flatMap((n, t) => (n > 0 ? [t] : []));
  const points: Array<[number[], number | undefined]> = [[lp.sigma, PRICE_BUDGET], [lp.sigma, undefined]];
  const from = center;
  if (from) points.unshift([lp.sigma.map((v, i) => SMOOTH * from.sigma[i]! + (1 - SMOOTH) * v), PRICE_BUDGET]);
  let added = 0;
  for (const [at, budget] of points) {
    const upper: number[] = [];
    for (const t of types) {
      const r = priceType(run, { t, at, budget }, lp);
      added += r.added;
      upper[t] = r.upper;
    }
    const cut: MixCut = { coef: mix.map((_, t) => (upper[t] ?? 0) * (1 + EPS) + NOISE), rhs: p.items.reduce((a, it, i) => a + (at[i] ?? 0) * it.demand, 0) };
    if (violated(cut, mix)) return { cut: knapsackCut(p, at, upper) };
    // how far the weights are from cutting: the point to smooth towards
    const gap = cut.rhs - mix.reduce((a, n, t) => a + n * cut.coef[t]!, 0);
    if (!center || gap > center.gap) center = { sigma: at, gap };
    if (added > 0 || Date.now() >= run.deadline) break;
  }
  return { added, center };
}

/**
 * A cut that `mix` violates, or null when the pattern LP holds the models on it (or time is up).
 * Columns of the mix's types are priced in until the LP either holds the models or weights cut.
 * The phase-1 LP is degenerate and its duals jump from round to round, so pricing happens at a
 * point between them and the best weights so far (Wentges smoothing), at the LP's own duals when
 * that finds no column, and with the exact (unbudgeted) search when the budgeted one finds none.
 */
export function cutFor(run: Run, mix: number[]): { cut: MixCut } | { plan: Pattern[] } | null {
  let center: Center = null;
  for (let round = 0; round < MAX_ROUNDS && Date.now() < run.deadline; round++) {
    const lp = phaseOne(run, mix);
    if (!lp) return null;
    // (nearly) held: whole patterns may hold the models on this mix, a plan at the bound
    if (lp.short <= SLACK || (lp.short < HELD && round % PLAN_EVERY === PLAN_EVERY - 1)) {
      const plan = planOnPool(run, mix, Math.min(PLAN_SECONDS, (run.deadline - Date.now()) / 1000));
      if (plan) return { plan };
      if (lp.short <= SLACK) return null;
    }
    const out = priceRound(run, mix, lp, center);
    if ('cut' in out) return out;
    if (out.added === 0) return null;
    center = out.center;
  }
  return null;
}

/** A plan on `mix` from the pool's patterns (each type at most its count in the mix), or null. */
function planOnPool(run: Run, mix: number[], seconds: number): Pattern[] | null {
  const { g } = run;
  const cols = run.pool.cols.filter((c) => mix[c.type]! > 0);
  const r = g.solve(phaseOneModel(run, cols, mix, true), { msglev: g.GLP_MSG_OFF, tmlim: Math.max(1, Math.floor(seconds)), presol: true });
  if ((r.result.status !== g.GLP_OPT && r.result.status !== g.GLP_FEAS) || r.result.z > SLACK) return null;
  return cols.flatMap((c, j) => new Array<Pattern>(Math.round(r.result.vars[`x${j}`] ?? 0)).fill(c));
}

