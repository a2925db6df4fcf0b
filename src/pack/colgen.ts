// Gilmore–Gomory column generation and price-and-branch on glpk.js. The master LP chooses how
// many instances use each packing (column); duals price new columns (src/pack/pricing.ts). The
// LP value (or Farley's bound while columns are still missing) is a lower bound; a MIP over the
// generated columns gives integer plans. Runs inside the solver worker: glpk.js blocks.
import type { GLPK, LP } from 'glpk.js/node';
import { price, type Pattern } from './pricing.js';
import { downgrade } from './greedy.js';
import { intCost, solutionCost, type Problem, type Solution } from './problem.js';

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

function patternKey(pt: Pattern): string {
  return `${pt.type}:${[...pt.counts.entries()].sort((a, b) => a[0] - b[0]).map((e) => e.join('x')).join(',')}`;
}

export function patternsOf(s: Solution): Pattern[] {
  return s.bins.map((b) => {
    const counts = new Map<number, number>();
    for (const i of b.procs.flat()) counts.set(i, (counts.get(i) ?? 0) + 1);
    return { type: b.type, counts, procs: b.procs.map((x) => [...x]) };
  });
}


function master(g: GLPK, p: Problem, cols: Pattern[], integer: boolean): LP {
  const rows = p.items.map((it, i) => ({
    name: `r${i}`,
    vars: [] as Array<{ name: string; coef: number }>,
    bnds: { type: g.GLP_LO, lb: it.demand, ub: 0 },
  }));
  cols.forEach((c, j) => {
    for (const [i, n] of c.counts) rows[i]!.vars.push({ name: `x${j}`, coef: n });
  });
  return {
    name: 'master',
    objective: { direction: g.GLP_MIN, name: 'cost', vars: cols.map((c, j) => ({ name: `x${j}`, coef: integer ? intCost(p, c.type) : p.bins[c.type]!.cost })) },
    subjectTo: rows,
    ...(integer ? { generals: cols.map((_, j) => `x${j}`) } : {}),
  };
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

class ColumnPool {
  readonly cols: Pattern[] = [];
  private readonly seen = new Set<string>();
  add(pt: Pattern): boolean {
    const k = patternKey(pt);
    if (pt.counts.size === 0 || this.seen.has(k)) return false;
    this.seen.add(k);
    this.cols.push(pt);
    return true;
  }
}

interface LpState {
  z: number;
  x: number[];
  farley: number; // a valid lower bound for this (sub)problem
  converged: boolean;
  duals: number[]; // of the last master LP solved (item rows, clipped at 0)
}

const EXTRA_COLUMNS = 4;
const EXTRA_BUDGET = 2_000_000; // vector pricing work for each extra column (it need not be the best)
const DIVE_ROUNDS = 5; // pricing rounds per step of the rounding dive
const DIVE_PRICE_EVERY = 3; // dive steps between pricing rounds (the others only re-solve the LP)

/**
 * A few more improving columns per iteration, each avoiding the items of the previous one: the
 * master LP is rebuilt from scratch on every solve (glpk.js keeps no basis), so fewer, richer
 * iterations are cheaper.
 */
function extraColumns(p: Problem, t: number, duals: number[], first: Pattern, pool: ColumnPool): number {
  const d = [...duals];
  let last = first;
  let added = 0;
  for (let k = 0; k < EXTRA_COLUMNS; k++) {
    for (const i of last.counts.keys()) d[i] = 0;
    const pr = price(p, t, d, EXTRA_BUDGET);
    // judged by the true duals: a column is worth adding only if it prices out
    const value = [...pr.pattern.counts].reduce((a, [i, n]) => a + (duals[i] ?? 0) * n, 0);
    if (value <= p.bins[t]!.cost * (1 + 1e-9) || !pool.add(pr.pattern)) break;
    added++;
    last = pr.pattern;
  }
  return added;
}

/** Column generation on `p` (the whole problem or a residual) until no column improves the LP. */
function generate(g: GLPK, p: Problem, pool: ColumnPool, deadline: number, stop: (lb: number, z: number) => boolean, maxRounds = Infinity): LpState | null {
  let best: LpState | null = null;
  let farley = 0;
  for (let round = 0; round < Math.max(1, maxRounds) && Date.now() < deadline; round++) {
    const r = g.solve(master(g, p, pool.cols, false), { msglev: g.GLP_MSG_OFF });
    if (r.result.status !== g.GLP_OPT) break;
    const duals = p.items.map((_, i) => Math.max(0, r.result.dual?.[`r${i}`] ?? 0));
    if (maxRounds === 0) return { z: r.result.z, x: pool.cols.map((_, j) => r.result.vars[`x${j}`] ?? 0), farley: 0, converged: false, duals };
    let rho = 0;
    let added = 0;
    let priced = 0;
    for (let t = 0; t < p.bins.length && Date.now() < deadline; t++, priced++) {
      const pr = price(p, t, duals);
      const cost = p.bins[t]!.cost;
      rho = Math.max(rho, pr.upper / cost);
      if (pr.value > cost * (1 + 1e-9) && pool.add(pr.pattern)) {
        added++;
        added += extraColumns(p, t, duals, pr.pattern, pool);
      }
    }
    // out of time before every type was priced: this iteration proves nothing
    if (priced < p.bins.length) break;
    // Farley: duals scaled by 1/ρ are feasible for the full dual, so z/ρ bounds the LP optimum
    farley = Math.max(farley, r.result.z / Math.max(1, rho));
    best = { z: r.result.z, x: pool.cols.map((_, j) => r.result.vars[`x${j}`] ?? 0), farley, converged: rho <= 1 + 1e-9, duals };
    if (added === 0 || stop(farley, r.result.z)) break;
  }
  return best;
}

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
    let take = lp.x.flatMap((v, j) => new Array<number>(Math.floor(v + 1e-6)).fill(j));
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
    if (!lp || fixed + Math.ceil(lp.farley / p.bins[0]!.cost - 1e-6) > target) return null;
    const order = lp.x.map((_, j) => j).filter((j) => lp.x[j]! > 1e-6).sort((a, b) => lp.x[b]! - lp.x[a]!);
    const whole = order.filter((j) => lp.x[j]! >= 1 - 1e-6);
    // the first step keeps every whole value at once (most of the plan on IRUP instances)
    if (step === 0 && whole.length) {
      for (const j of whole) for (let k = 0; k < Math.floor(lp.x[j]! + 1e-6); k++) fix(j);
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
  const proven = (lb: number) => opts.roundBound(lb) >= opts.target() - 1e-9;
  // counting bins, once Farley's bound rounds up to what the LP value would, the rest of the LP
  // proves nothing more (unless a rounding heuristic wants the converged LP's own columns); cost
  // objectives keep converging, for the instance-mix bound and price-and-branch that follow
  const settled = (lb: number, z: number) => proven(lb) || (p.objective === 'count' && !opts.afterRoot && opts.roundBound(lb) >= opts.roundBound(z) - 1e-9);
  const root = generate(g, p, pool, opts.deadline, settled);
  let lb = root?.farley ?? 0;
  if (lb > 0) on.bound(opts.roundBound(lb), root?.converged ? 'column generation (LP bound)' : 'column generation (Farley bound)');
  if (opts.refineBound && !proven(lb)) lb = Math.max(lb, opts.refineBound(opts.roundBound(lb)));
  const rootLp = root ? { cols: pool.cols.slice(0, root.x.length), x: root.x, duals: root.duals } : null;
  if (opts.afterRoot && rootLp && root?.converged && !proven(lb)) await opts.afterRoot(rootLp, (leave, target, random, until) => diveToResidual(g, p, pool, until, leave, target, random));
  const offer = (s: Solution | null, method: string) => {
    if (s && solutionCost(p, s) < opts.target() - 1e-9) on.solution(s, method);
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
