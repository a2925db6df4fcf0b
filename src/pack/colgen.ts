// Gilmore–Gomory column generation and price-and-branch on glpk.js. The master LP chooses how
// many instances use each packing (column); duals price new columns (src/pack/pricing.ts). The
// LP value (or Farley's bound while columns are still missing) is a lower bound; a MIP over the
// generated columns gives integer plans. Runs inside the solver worker: glpk.js blocks.
import type { GLPK, LP } from 'glpk.js/node';
import { price, type Pattern } from './pricing.js';
import { downgrade } from './greedy.js';
import { solutionCost, type Problem, type Solution } from './problem.js';

export interface ColgenEvents {
  bound(value: number, method: string): void;
  solution(s: Solution, method: string): void;
}

export interface ColgenOptions {
  deadline: number; // Date.now() value to stop at
  target: () => number; // cost of the best plan known; stop when the bound reaches it
  roundBound: (lb: number) => number; // smallest objective value a plan can have ≥ lb
  mipShare: number; // share of the time left that price-and-branch may use
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

/** Integer objective coefficients so that GLPK can round its bound (prices in 1/1000 $). */
function intCost(p: Problem, t: number): number {
  return p.objective === 'count' ? 1 : Math.round(p.bins[t]!.cost * 1000);
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

export function columnGeneration(g: GLPK, p: Problem, start: Solution, opts: ColgenOptions, on: ColgenEvents): { lowerBound: number; converged: boolean; columns: number } {
  const cols: Pattern[] = [];
  const seen = new Set<string>();
  const addCol = (pt: Pattern) => {
    const k = patternKey(pt);
    if (pt.counts.size === 0 || seen.has(k)) return false;
    seen.add(k);
    cols.push(pt);
    return true;
  };
  patternsOf(start).forEach(addCol);
  // the fullest packing of each type: with one item type these columns are all a plan needs
  p.bins.forEach((_, t) => addCol(price(p, t, p.items.map(() => 1)).pattern));
  let lb = 0;
  let converged = false;
  const msg = { msglev: g.GLP_MSG_OFF };
  while (Date.now() < opts.deadline) {
    const r = g.solve(master(g, p, cols, false), msg);
    if (r.result.status !== g.GLP_OPT) break;
    const duals = p.items.map((_, i) => Math.max(0, r.result.dual?.[`r${i}`] ?? 0));
    let rho = 0;
    let added = 0;
    for (let t = 0; t < p.bins.length && Date.now() < opts.deadline; t++) {
      const pr = price(p, t, duals);
      const cost = p.bins[t]!.cost;
      rho = Math.max(rho, pr.upper / cost);
      if (pr.value > cost * (1 + 1e-9) && addCol(pr.pattern)) added++;
    }
    const farley = r.result.z / Math.max(1, rho);
    if (farley > lb) {
      lb = farley;
      on.bound(opts.roundBound(lb), 'column generation');
    }
    if (rho <= 1 + 1e-9) converged = true;
    if (added === 0 || opts.roundBound(lb) >= opts.target() - 1e-9) break;
  }
  // price-and-branch: the best integer plan over the columns generated
  const left = ((opts.deadline - Date.now()) / 1000) * opts.mipShare;
  if (left > 0.05 && opts.roundBound(lb) < opts.target() - 1e-9) {
    const r = g.solve(master(g, p, cols, true), { msglev: g.GLP_MSG_OFF, tmlim: Math.max(1, Math.floor(left)), presol: true });
    const z = p.objective === 'count' ? r.result.z : r.result.z / 1000;
    // one item type: every instance is dominated by its type's fullest column, so the MIP over
    // those columns is the whole problem and its optimum is a proof
    if (r.result.status === g.GLP_OPT && p.items.length === 1) on.bound(z, 'pattern MIP (complete columns)');
    if ((r.result.status === g.GLP_OPT || r.result.status === g.GLP_FEAS) && r.result.z > 0) {
      const s = columnsToSolution(p, cols, cols.map((_, j) => r.result.vars[`x${j}`] ?? 0));
      if (solutionCost(p, s) < opts.target() - 1e-9) on.solution(s, 'price-and-branch');
    }
  }
  return { lowerBound: lb, converged, columns: cols.length };
}
