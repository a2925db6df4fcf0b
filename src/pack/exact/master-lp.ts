// The master LP of column generation and its pricing loop. The master chooses how many instances
// use each packing (column); the duals of its item rows price new columns, one knapsack per
// instance type (src/pack/exact/pricing.ts). Two things keep it converging on hundreds of models and a
// whole catalog of types:
// - partial pricing: types with several processors price slowly (their knapsack fills processor
//   after processor); while the one-processor types still find columns they wait, except every
//   few rounds, and always before the loop may stop.
// - a cheaper fill of each processor of those types (src/pack/exact/pricing.ts).
// Wentges dual smoothing was measured and left out: pricing, not the LP, is the cost here, and
// smoothing's extra rounds made convergence 3× slower on 50 models (8 s → 24 s) and kept 200
// models from converging in 90 s (34 s without).
import type { GLPK, LP } from 'glpk.js/node';
import { price, type Pattern } from './pricing.js';
import { intCost, type Problem } from '../model/problem.js';
import { EPS } from '../model/tolerance.js';

export function patternKey(pt: Pattern): string {
  return `${pt.type}:${[...pt.counts.entries()].sort((a, b) => a[0] - b[0]).map((e) => e.join('x')).join(',')}`;
}

export function master(g: GLPK, p: Problem, cols: Pattern[], integer: boolean): LP {
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

export class ColumnPool {
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

export interface LpState {
  z: number;
  x: number[];
  farley: number; // a valid lower bound for this (sub)problem
  converged: boolean;
  duals: number[]; // of the last master LP solved (item rows, clipped at 0)
}

const EXTRA_COLUMNS = 4;
const EXTRA_BUDGET = 2_000_000; // vector pricing work for each extra column (it need not be the best)
const FULL_PRICING_EVERY = 4; // rounds between pricings of the slow (several-processor) types

const QUICK_BUDGET = 400_000; // vector pricing work per type in a quick round (the exact search's is 40,000,000)

/** Whole catalogs: a dozen one-processor types whose exact vector pricing takes a second each. */
const quickPricing = (p: Problem) => p.bins.length > 2;

/** The exact round's result, with the quick round's columns counted (same duals, so its bound is as valid). */
function mergeUpper(quick: Pricing | null, exact: Pricing): Pricing {
  return quick ? { added: quick.added + exact.added, full: exact.full, rho: exact.full ? exact.rho : Math.max(quick.rho, exact.rho) } : exact;
}

const worth = (pt: Pattern, duals: number[]) => [...pt.counts].reduce((a, [i, n]) => a + (duals[i] ?? 0) * n, 0);

/**
 * A few more improving columns per iteration, each avoiding the items of the previous one: the
 * master LP is rebuilt from scratch on every solve (glpk.js keeps no basis), so fewer, richer
 * iterations are cheaper. Judged by the true duals: a column is worth adding only if it prices out.
 */
function extraColumns(p: Problem, t: number, duals: number[], first: Pattern, pool: ColumnPool): number {
  const d = [...duals];
  let last = first;
  let added = 0;
  for (let k = 0; k < EXTRA_COLUMNS; k++) {
    for (const i of last.counts.keys()) d[i] = 0;
    const pr = price(p, t, d, EXTRA_BUDGET);
    if (worth(pr.pattern, duals) <= p.bins[t]!.cost * (1 + EPS) || !pool.add(pr.pattern)) break;
    added++;
    last = pr.pattern;
  }
  return added;
}

interface Pricing {
  added: number;
  full: boolean; // every type was priced (else no bound and no proof of convergence)
  rho: number; // max over types of (upper bound on a column's worth) / cost
}

/**
 * Prices every type (the slow ones only when `slowToo` or the fast ones find nothing); with a
 * `budget`, the vector searches stop early and keep their (still valid) upper bounds.
 */
function priceAll(p: Problem, duals: number[], pool: ColumnPool, deadline: number, slowToo: boolean, budget?: number): Pricing {
  let added = 0;
  let rho = 0;
  let priced = 0;
  const order = p.bins.map((_, t) => t).sort((a, b) => p.bins[a]!.procs - p.bins[b]!.procs);
  for (const t of order) {
    if (Date.now() >= deadline) break;
    if (p.bins[t]!.procs > 1 && added > 0 && !slowToo) continue;
    const pr = price(p, t, duals, budget);
    const cost = p.bins[t]!.cost;
    priced++;
    rho = Math.max(rho, pr.upper / cost);
    if (worth(pr.pattern, duals) > cost * (1 + EPS) && pool.add(pr.pattern)) {
      added++;
      added += extraColumns(p, t, duals, pr.pattern, pool);
    }
  }
  return { added, full: priced === p.bins.length, rho };
}

/** Column generation on `p` (the whole problem or a residual) until no column improves the LP. */
export function generate(g: GLPK, p: Problem, pool: ColumnPool, deadline: number, stop: (lb: number, z: number) => boolean, maxRounds = Infinity): LpState | null {
  let last: LpState | null = null;
  let farley = 0;
  for (let round = 0; round < Math.max(1, maxRounds) && Date.now() < deadline; round++) {
    const r = g.solve(master(g, p, pool.cols, false), { msglev: g.GLP_MSG_OFF });
    if (r.result.status !== g.GLP_OPT) break;
    const duals = p.items.map((_, i) => Math.max(0, r.result.dual?.[`r${i}`] ?? 0));
    const x = pool.cols.map((_, j) => r.result.vars[`x${j}`] ?? 0);
    if (maxRounds === 0) return { z: r.result.z, x, farley: 0, converged: false, duals };
    const slowToo = round % FULL_PRICING_EVERY === 0;
    // many types: a quick budgeted search per type finds improving columns in a fraction of the
    // time; only a round where it finds none needs the exact searches (convergence is theirs to say)
    let out = quickPricing(p) ? priceAll(p, duals, pool, deadline, slowToo, QUICK_BUDGET) : null;
    if (!out || out.added === 0) out = mergeUpper(out, priceAll(p, duals, pool, deadline, slowToo));
    // Farley: duals scaled by 1/ρ are feasible for the full dual, so z/ρ bounds the LP optimum
    if (out.full) farley = Math.max(farley, r.result.z / Math.max(1, out.rho));
    last = { z: r.result.z, x, farley, converged: out.full && out.rho <= 1 + EPS, duals };
    // out of time before every type was priced: the round proves nothing more
    if (!out.full && Date.now() >= deadline) break;
    if ((out.full && out.added === 0) || stop(farley, r.result.z)) break;
  }
  return last;
}
