// The instance-mix bound as one MIP, for when the mixes are too many to check one by one (a whole
// catalog: 2,957 mixes between a 50-model fleet's LP bound and its plan, more than a million at
// 200 models). Integer counts of each instance type; the models shared out fractionally among
// the types, within each type's pooled capacity in every dimension, and no more copies of a model
// on a type than its instances can hold (one each for replicas). Every plan gives a feasible
// point, so the MIP's optimum is a lower bound; with the objective capped below the incumbent,
// infeasibility proves the incumbent optimal.
import type { GLPK, LP } from 'glpk.js/node';
import { fitsEmpty, intCost, type Problem } from '../model/problem.js';
import { EPS, LP_TOL } from '../model/tolerance.js';

export type MixMipOutcome = { kind: 'bound'; value: number; mix: number[] } | { kind: 'incumbent-optimal' } | { kind: 'unknown' };

/** A valid inequality on instance counts: Σ_t coef[t] · n_t ≥ rhs (src/pack/bounds/mix-cuts.ts). */
export interface MixCut {
  coef: number[];
  rhs: number;
}

/** Most copies of item i one instance of type t can hold (processors, instance, maxPerBin). */
function perInstance(p: Problem, i: number, t: number): number {
  const it = p.items[i]!;
  const b = p.bins[t]!;
  const s = it.sizes[t]!;
  const most = (sizes: number[], caps: number[]) => Math.min(...sizes.map((v, d) => (v > 0 ? Math.floor(((caps[d] ?? 0) * (1 + EPS)) / v + EPS) : Infinity)));
  return Math.min(it.maxPerBin, it.demand, most(s.proc, b.procCap) * b.procs, most(s.inst, b.instCap));
}

/** The mix model's rows: each item shared out among types, per-type pooled capacity, per-instance limits. */
function mixRows(g: GLPK, p: Problem): LP['subjectTo'] {
  const rows: LP['subjectTo'] = [];
  const capRows = p.bins.map((b) => [...b.procCap.map((c) => c * b.procs), ...b.instCap].map(() => [] as Array<{ name: string; coef: number }>));
  for (const [i, it] of p.items.entries()) {
    const own: Array<{ name: string; coef: number }> = [];
    p.bins.forEach((b, t) => {
      if (!fitsEmpty(p, it, t)) return;
      const x = `x${i}_${t}`;
      own.push({ name: x, coef: 1 });
      const s = it.sizes[t]!;
      const caps = [...b.procCap.map((c) => c * b.procs), ...b.instCap];
      [...s.proc, ...s.inst].forEach((v, d) => v > 0 && (caps[d] ?? 0) > 0 && capRows[t]![d]!.push({ name: x, coef: v / caps[d]! }));
      const k = perInstance(p, i, t);
      if (k < it.demand) rows.push({ name: `k${i}_${t}`, vars: [{ name: x, coef: 1 }, { name: `n${t}`, coef: -k }], bnds: { type: g.GLP_UP, lb: 0, ub: 0 } });
    });
    rows.push({ name: `i${i}`, vars: own, bnds: { type: g.GLP_FX, lb: it.demand, ub: it.demand } });
  }
  capRows.forEach((dims, t) => dims.forEach((v, d) => v.length && rows.push({ name: `c${t}_${d}`, vars: [...v, { name: `n${t}`, coef: -1 }], bnds: { type: g.GLP_UP, lb: 0, ub: 0 } })));
  return rows;
}

/**
 * The mix model's LP relaxation (instance counts fractional): a bound in well under a second on
 * a whole catalog, about as strong as the converged pattern LP on trace-shaped fleets (200
 * memory-heavy models: 15.0646 against 15.0653) where column generation needs a minute, and
 * never weaker than the LP of the slot-assignment model (whose slots pool into these rows).
 * 0 when the LP has no optimum (an item that fits no type is the caller's error to report).
 */
export function mixLpBound(g: GLPK, p: Problem): number {
  const objective = p.bins.map((b, t) => ({ name: `n${t}`, coef: b.cost }));
  const r = g.solve({ name: 'mix-lp', objective: { direction: g.GLP_MIN, name: 'cost', vars: objective }, subjectTo: mixRows(g, p) }, { msglev: g.GLP_MSG_OFF });
  // a hair below the LP value: the simplex's own rounding must not lift a bound above a plan
  return r.result.status === g.GLP_OPT ? Math.max(0, r.result.z * (1 - EPS) - EPS) : 0;
}

/** `lb` and `incumbent` in objective units; `seconds` is GLPK's (soft) limit; `cuts` only remove mixes no plan has. */
export function mixMip(g: GLPK, p: Problem, lb: number, incumbent: number, seconds: number, cuts: MixCut[] = []): MixMipOutcome {
  const scale = p.objective === 'count' ? 1 : 1000;
  const rows = mixRows(g, p);
  cuts.forEach((c, k) => rows.push({ name: `cut${k}`, vars: c.coef.flatMap((v, t) => (v !== 0 ? [{ name: `n${t}`, coef: v }] : [])), bnds: { type: g.GLP_LO, lb: c.rhs, ub: 0 } }));
  const costs = p.bins.map((_, t) => ({ name: `n${t}`, coef: intCost(p, t) }));
  const from = Math.ceil(lb * scale - LP_TOL);
  const below = Math.round(incumbent * scale);
  rows.push({ name: 'range', vars: costs, bnds: { type: g.GLP_DB, lb: from, ub: below - 1 } });
  // among mixes of one cost, the one with fewest instances (a plan on it is easier to find,
  // src/pack/exact/mix-plan.ts): weight w exceeds any mix's instance count, so cost still comes first
  const w = 1 + Math.ceil(below / Math.max(1, Math.min(...costs.map((c) => c.coef))));
  const objective = costs.map((c) => ({ name: c.name, coef: c.coef * w + 1 }));
  const r = g.solve(
    { name: 'mix', objective: { direction: g.GLP_MIN, name: 'cost', vars: objective }, subjectTo: rows, generals: p.bins.map((_, t) => `n${t}`) },
    { msglev: g.GLP_MSG_OFF, tmlim: Math.max(1, Math.floor(seconds)), presol: true },
  );
  if (r.result.status === g.GLP_NOFEAS) return { kind: 'incumbent-optimal' };
  if (r.result.status === g.GLP_OPT) return { kind: 'bound', value: Math.max(lb, Math.floor((Math.round(r.result.z) + 0.5) / w) / scale), mix: p.bins.map((_, t) => Math.round(r.result.vars[`n${t}`] ?? 0)) };
  return { kind: 'unknown' };
}
