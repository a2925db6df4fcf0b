// A bound from the instance mix: a plan's instances must, taken together, hold every model in
// every dimension. For each mix of instance types costing between the current bound and the
// best plan, an LP asks whether the models can be shared out among the types (fractionally)
// within the mix's total capacities. The cheapest mix that can is a lower bound; none cheaper
// than the plan proves it optimal. It closes the gaps the pattern LP leaves when the cost
// steps of the types are coarse (78 models: 22 × inf1.xlarge at $5.016 against an LP bound of
// $4.91, while every cheaper mix with g4dn.xlarge lacks processor utilization).
import type { GLPK, LP } from 'glpk.js/node';
import { fitsEmpty, intCost, type Problem } from '../model/problem.js';
import { mixMip } from './mix-mip.js';
import { LP_TOL } from '../model/tolerance.js';

const MAX_MIXES = 3000; // beyond this many candidate mixes the check is not worth its time
const ONE_BY_ONE = 300; // above this many mixes, one MIP over all of them (src/pack/bounds/mix-mip.ts) is faster

/** Instance-type counts whose cost (integer units, see intCost) is in [from, below), cheapest first. */
export function mixesBetween(costs: number[], from: number, below: number, max = MAX_MIXES): number[][] | null {
  const out: Array<{ n: number[]; c: number }> = [];
  const n = costs.map(() => 0);
  const walk = (t: number, sum: number): boolean => {
    if (t === costs.length) {
      if (sum >= from) out.push({ n: [...n], c: sum });
      return out.length <= max;
    }
    const c = costs[t]!;
    for (let k = 0; sum + k * c < below; k++) {
      n[t] = k;
      if (!walk(t + 1, sum + k * c)) return false;
      if (c <= 0) break; // (capacityBound never asks with free types)
    }
    n[t] = 0;
    return true;
  };
  if (!walk(0, 0)) return null;
  return out.sort((a, b) => a.c - b.c).map((m) => m.n);
}

function capacities(p: Problem, t: number): number[] {
  const b = p.bins[t]!;
  return [...b.procCap.map((c) => c * b.procs), ...b.instCap];
}

/** Whether the items can be shared out fractionally among `mix[t]` instances of each type t. */
export function mixHolds(g: GLPK, p: Problem, mix: number[]): boolean {
  const rows: LP['subjectTo'] = [];
  const vars: Array<{ name: string; coef: number }> = [];
  const capRows = mix.map((_, t) => capacities(p, t).map(() => [] as Array<{ name: string; coef: number }>));
  for (const [i, it] of p.items.entries()) {
    const own: Array<{ name: string; coef: number }> = [];
    mix.forEach((n, t) => {
      if (n === 0 || !fitsEmpty(p, it, t)) return;
      const x = `x${i}_${t}`;
      own.push({ name: x, coef: 1 });
      vars.push({ name: x, coef: 0 });
      const s = it.sizes[t]!;
      const caps = capacities(p, t);
      [...s.proc, ...s.inst].forEach((v, d) => {
        // scaled to instances of the type, so bytes and percentages share one magnitude
        if (v > 0 && (caps[d] ?? 0) > 0) capRows[t]![d]!.push({ name: x, coef: v / caps[d]! });
      });
    });
    if (own.length === 0) return false;
    rows.push({ name: `i${i}`, vars: own, bnds: { type: g.GLP_FX, lb: it.demand, ub: it.demand } });
  }
  capRows.forEach((dims, t) =>
    dims.forEach((v, d) => {
      if (v.length) rows.push({ name: `c${t}_${d}`, vars: v, bnds: { type: g.GLP_UP, lb: 0, ub: mix[t]! } });
    }),
  );
  const r = g.solve({ name: 'mix', objective: { direction: g.GLP_MIN, name: 'z', vars }, subjectTo: rows }, { msglev: g.GLP_MSG_OFF });
  return r.result.status === g.GLP_OPT || r.result.status === g.GLP_FEAS;
}

/**
 * The cheapest mix of instance types that can hold the models, when it costs more than `lb`:
 * returns a bound ≥ lb (the incumbent's cost when no cheaper mix can), or lb when the deadline
 * comes first. Few mixes are checked one by one, many by one MIP.
 */
export function capacityBound(g: GLPK, p: Problem, lb: number, incumbent: number, deadline: number, onMix?: (mix: number[]) => void): number {
  const scale = p.objective === 'count' ? 1 : 1000;
  const costs = p.bins.map((_, t) => intCost(p, t));
  // a free type could be bought without limit: no mix of paid types bounds anything then
  if (costs.some((c) => c <= 0)) return lb;
  const mixes = mixesBetween(costs, Math.ceil(lb * scale - LP_TOL), Math.round(incumbent * scale));
  if (!mixes || mixes.length > ONE_BY_ONE) {
    const r = mixMip(g, p, lb, incumbent, (deadline - Date.now()) / 1000);
    if (r.kind === 'bound') onMix?.(r.mix);
    return r.kind === 'bound' ? r.value : r.kind === 'incumbent-optimal' ? incumbent : lb;
  }
  for (const mix of mixes) {
    if (Date.now() >= deadline) return lb;
    if (mixHolds(g, p, mix)) {
      onMix?.(mix);
      return Math.max(lb, mix.reduce((a, n, t) => a + n * costs[t]!, 0) / scale);
    }
  }
  return incumbent;
}
