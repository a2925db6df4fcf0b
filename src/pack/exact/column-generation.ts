// Gilmore–Gomory column generation and price-and-branch on glpk.js. The master LP chooses how
// many instances use each packing (column); duals price new columns (src/pack/exact/pricing.ts). The
// LP value (or Farley's bound while columns are still missing) is a lower bound; a MIP over the
// generated columns gives integer plans. Runs inside the solver worker: glpk.js blocks.
import type { GLPK } from 'glpk.js/node';
import { price, type Pattern } from './pricing.js';
import { ColumnPool, generate, master } from './master-lp.js';
import { downgrade } from '../heuristics/greedy.js';
import { solutionCost, type Problem, type Solution } from '../model/problem.js';
import { EPS, LP_TOL } from '../model/tolerance.js';
import { patternsOf } from '../model/convert.js';

export interface ColgenEvents {
  bound(value: number, method: string): void;
  solution(s: Solution, method: string): void;
}

export interface ColgenOptions {
  deadline: number; // Date.now() value to stop at
  target: () => number; // cost of the best plan known; stop when the bound reaches it
  roundBound: (lb: number) => number; // smallest objective value a plan can have ≥ lb
  mipShare: number; // share of the time left that price-and-branch may use
  diveShare: number; // then the share of the time left that diving may use
  /** A stronger bound from the LP's (rounded) one, checked before any MIP is tried. */
  refineBound?: (lb: number) => number;
  /** A rounding heuristic on the converged root LP, run before price-and-branch. */
  afterRoot?: (root: RootLp, dive: DiveTo) => Promise<void>;
}

/** Turns chosen columns into instances, dropping copies beyond each item's demand. */
export function columnsToSolution(p: Problem, cols: Pattern[], mult: number[]): Solution {
  const left = p.items.map((it) => it.demand);
  const bins: Solution['bins'] = [];
  cols.forEach((c, j) => {
    for (let r = 0; r < Math.round(mult[j] ?? 0); r++) {
      const procs = c.procs.map((proc) => proc.filter((i) => left[i]! > 0 && left[i]!-- > 0)).filter((x) => x.length > 0);
      if (procs.length) bins.push({ type: c.type, procs });
    }
  });
  return downgrade(p, { bins });
}

const DIVE_ROUNDS = 5; // pricing rounds per step of the rounding dive
const DIVE_PRICE_EVERY = 3; // dive steps between pricing rounds (the others only re-solve the LP)

/**
 * Diving: fix the columns the LP uses at whole values (or the largest one once), regenerate
 * columns for what is left, repeat. Cutting-stock's classic way to integer plans near the bound.
 */
function dive(g: GLPK, p: Problem, pool: ColumnPool, deadline: number): Solution | null {
  const residual = p.items.map((it) => it.demand);
  const chosen: number[] = new Array<number>(0);
  let step = 0;
  while (residual.some((d) => d > 0)) {
    if (Date.now() >= deadline) return null;
    const sub: Problem = { ...p, items: p.items.map((it, i) => ({ ...it, demand: residual[i]! })) };
    // a dive is a heuristic: it prices now and then instead of re-converging at every step
    const lp = generate(g, sub, pool, deadline, () => false, step++ % DIVE_PRICE_EVERY === 0 ? 1 : 0);
    if (!lp) return null;
    // fix whole LP values; failing that, every column at ≥ 0.6 (or the largest one) once
    let take = lp.x.flatMap((v, j) => new Array<number>(Math.floor(v + LP_TOL)).fill(j));
    if (take.length === 0) take = lp.x.flatMap((v, j) => (v >= 0.6 ? [j] : []));
    if (take.length === 0) take = [lp.x.reduce((b, v, j) => (v > (lp.x[b] ?? 0) ? j : b), 0)];
    for (const j of take) {
      chosen.push(j);
      for (const [i, n] of pool.cols[j]!.counts) residual[i] = Math.max(0, residual[i]! - n);
    }
  }
  const mult = pool.cols.map(() => 0);
  for (const j of chosen) mult[j]!++;
  return columnsToSolution(p, pool.cols, mult);
}

/**
 * A careful dive for rounding heuristics: fix one LP column at a time (a whole value first, else
 * one of the largest, by `random`), re-converging the LP on the residual after each, until at
 * most `leave` item copies are left. Gives up (null) once the fixed bins plus the residual LP
 * rounded up exceed `target`: that dive cannot end at the target any more.
 */
function diveToResidual(g: GLPK, p: Problem, pool: ColumnPool, deadline: number, leave: number, target: number, random: () => number): { cols: Pattern[]; mult: number[] } | null {
  const residual = p.items.map((it) => it.demand);
  const mult = new Map<number, number>();
  let fixed = 0;
  const fix = (j: number) => {
    mult.set(j, (mult.get(j) ?? 0) + 1);
    fixed++;
    for (const [i, n] of pool.cols[j]!.counts) residual[i] = Math.max(0, residual[i]! - n);
  };
  for (let step = 0; residual.reduce((a, b) => a + b, 0) > leave; step++) {
    if (Date.now() >= deadline) return null;
    const sub: Problem = { ...p, items: p.items.map((it, i) => ({ ...it, demand: residual[i]! })) };
    // a few pricing rounds per step: the Farley bound still says when the dive has lost the target
    const lp = generate(g, sub, pool, deadline, () => false, DIVE_ROUNDS);
    if (!lp || fixed + Math.ceil(lp.farley / p.bins[0]!.cost - LP_TOL) > target) return null;
    const order = lp.x.map((_, j) => j).filter((j) => lp.x[j]! > LP_TOL).sort((a, b) => lp.x[b]! - lp.x[a]!);
    const whole = order.filter((j) => lp.x[j]! >= 1 - LP_TOL);
    // the first step keeps every whole value at once (most of the plan on IRUP instances)
    if (step === 0 && whole.length) {
      for (const j of whole) for (let k = 0; k < Math.floor(lp.x[j]! + LP_TOL); k++) fix(j);
      continue;
    }
    const pick = whole.length ? whole[Math.floor(random() * whole.length)]! : order[Math.floor(random() * Math.min(3, order.length))];
    if (pick === undefined) return null;
    fix(pick);
  }
  return { cols: pool.cols, mult: pool.cols.map((_, j) => mult.get(j) ?? 0) };
}

/** The converged root LP: its columns, their values and the item rows' duals. */
export interface RootLp {
  cols: Pattern[];
  x: number[];
  duals: number[];
}

export type DiveTo = (leave: number, target: number, random: () => number, deadline: number) => { cols: Pattern[]; mult: number[] } | null;

export interface ColgenResult {
  lowerBound: number;
  converged: boolean;
  columns: number;
  /** The root LP's columns and values (for rounding heuristics), when it was solved. */
  root: RootLp | null;
}

export async function columnGeneration(g: GLPK, p: Problem, start: Solution, opts: ColgenOptions, on: ColgenEvents): Promise<ColgenResult> {
  const pool = new ColumnPool();
  patternsOf(start).forEach((pt) => pool.add(pt));
  // the fullest packing of each type: with one item type these columns are all a plan needs
  p.bins.forEach((_, t) => pool.add(price(p, t, p.items.map(() => 1)).pattern));
  const proven = (lb: number) => opts.roundBound(lb) >= opts.target() - EPS;
  // counting bins, once Farley's bound rounds up to what the LP value would, the rest of the LP
  // proves nothing more (unless a rounding heuristic wants the converged LP's own columns); cost
  // objectives keep converging, for the instance-mix bound and price-and-branch that follow
  const settled = (lb: number, z: number) => proven(lb) || (p.objective === 'count' && !opts.afterRoot && opts.roundBound(lb) >= opts.roundBound(z) - EPS);
  // Farley's bound as it rises: the worker may be stopped before the LP converges
  let reported = 0;
  const progress = (lb: number, z: number) => {
    if (opts.roundBound(lb) > reported + EPS) on.bound((reported = opts.roundBound(lb)), 'column generation (Farley bound)');
    return settled(lb, z);
  };
  const root = generate(g, p, pool, opts.deadline, progress);
  let lb = root?.farley ?? 0;
  if (lb > 0) on.bound(opts.roundBound(lb), root?.converged ? 'column generation (LP bound)' : 'column generation (Farley bound)');
  if (opts.refineBound && !proven(lb)) lb = Math.max(lb, opts.refineBound(opts.roundBound(lb)));
  const rootLp = root ? { cols: pool.cols.slice(0, root.x.length), x: root.x, duals: root.duals } : null;
  if (opts.afterRoot && rootLp && root?.converged && !proven(lb)) await opts.afterRoot(rootLp, (leave, target, random, until) => diveToResidual(g, p, pool, until, leave, target, random));
  const offer = (s: Solution | null, method: string) => {
    if (s && solutionCost(p, s) < opts.target() - EPS) on.solution(s, method);
  };
  // price-and-branch: the best integer plan over the columns generated
  const left = ((opts.deadline - Date.now()) / 1000) * opts.mipShare;
  if (left > 0.05 && !proven(lb)) {
    const r = g.solve(master(g, p, pool.cols, true), { msglev: g.GLP_MSG_OFF, tmlim: Math.max(1, Math.floor(left)), presol: true });
    const z = p.objective === 'count' ? r.result.z : r.result.z / 1000;
    // one item type: every instance is dominated by its type's fullest column, so the MIP over
    // those columns is the whole problem and its optimum is a proof
    if (r.result.status === g.GLP_OPT && p.items.length === 1) on.bound(z, 'pattern MIP (complete columns)');
    if ((r.result.status === g.GLP_OPT || r.result.status === g.GLP_FEAS) && r.result.z > 0) {
      offer(columnsToSolution(p, pool.cols, pool.cols.map((_, j) => r.result.vars[`x${j}`] ?? 0)), 'price-and-branch');
    }
  }
  // diving for what is left of this step's share, when price-and-branch has not closed the gap
  if (!proven(lb) && opts.diveShare > 0 && p.items.length > 1) offer(dive(g, p, pool, Date.now() + (opts.deadline - Date.now()) * opts.diveShare), 'column generation + diving');
  return { lowerBound: lb, converged: root?.converged ?? false, columns: pool.cols.length, root: rootLp };
}
