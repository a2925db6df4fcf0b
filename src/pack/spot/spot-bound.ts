// A lower bound on the cost of any plan that meets pack --spot's rule, and the all-spot share it
// suggests. A relaxation of every such plan (not only of the ones spot-problem.ts builds):
//   y[m,t]  instances of type t bought on market m (on-demand, or spot in any zone)
//   a[m,t,i] copies of item type i on them;  u[i] models of type i that go all-spot
//   on-demand copies of i        ≥ k − u        (every other model keeps one on on-demand)
//   copies of i                  ≥ r·k + (c − r)·u  (all-spot models carry c = max(r, s+1))
//   spot copies of i             ≥ c·u
//   per type, market, dimension: Σ size·a ≤ capacity·y  (the instances hold their copies, pooled)
//   a[m,t,i] ≤ (copies of i one instance of t holds alone) · y[m,t]
//   u[i] = 0 where fewer than c spot pools fit i (c copies need c distinct pools)
//   spot cost ≤ maxShare · cost
// minimizing Σ price·y. With y and u integer (a small MIP) it is the bound; where the MIP does not
// finish, the LP's value rounded up to the next cost some set of instances can have.
import { MlsError } from '../../errors.js';
import type { GLPK, LP } from 'glpk.js/node';
import type { Problem } from '../model/problem.js';
import { copiesPerInstance, type SpotSetup } from './spot-setup.js';
import { EPS, LP_TOL } from '../model/tolerance.js';

const MIP_MAX_VARS = 1500; // columns above which only the LP is solved (78 distinct models, 10 markets: ~860, MIP 1.4 s)
const LP_MAX_VARS = 7000; // above: the per-dimension bound (500 distinct models, 10 markets: LP 5 s on one core)
const MIP_SECONDS = 5; // glpk's own limit (not a hard one: notes/glpk.md)

export interface SpotBound {
  value: number;
  method: string;
  spotModels: number[]; // u per item type, as the relaxation chose it (fractional for the LP)
}

function capsOf(p: Problem, t: number): number[] {
  const b = p.bins[t]!;
  return [...b.procCap.map((c) => c * b.procs), ...b.instCap];
}

export function spotLp(g: GLPK, set: SpotSetup): LP {
  const p = set.base;
  const obj: LP['objective']['vars'] = [];
  const rows: LP['subjectTo'] = [];
  const bounds: NonNullable<LP['bounds']> = [];
  const share: Array<{ name: string; coef: number }> = [];
  const markets = p.bins.flatMap((_, t) => [
    { m: 'o', t, price: p.bins[t]!.price, zones: Infinity },
    ...(set.offers[t] ? [{ m: 's', t, price: set.offers[t]!.price, zones: set.offers[t]!.zones.length }] : []),
  ]);
  const capRows = new Map<string, Array<{ name: string; coef: number }>>();
  for (const { m, t, price } of markets) {
    const y = `y${m}${t}`;
    obj.push({ name: y, coef: price });
    share.push({ name: y, coef: (m === 's' ? 1 : 0) * price - set.maxShare * price });
    capsOf(p, t).forEach((_, d) => capRows.set(`c${m}${t}_${d}`, [{ name: y, coef: -1 }]));
  }
  p.items.forEach((it, i) => {
    const { k, r, c } = set.groups[i]!;
    const u = `u${i}`;
    const od: Array<{ name: string; coef: number }> = [{ name: u, coef: 1 }];
    const all: Array<{ name: string; coef: number }> = [{ name: u, coef: -(c - r) }];
    const sp: Array<{ name: string; coef: number }> = [{ name: u, coef: -c }];
    let pools = 0;
    for (const { m, t, zones } of markets) {
      const per = copiesPerInstance(p, i, t);
      if (per === 0) continue;
      if (m === 's') pools += zones;
      const a = `a${m}${t}_${i}`;
      (m === 'o' ? od : sp).push({ name: a, coef: 1 });
      all.push({ name: a, coef: 1 });
      const caps = capsOf(p, t);
      const s = it.sizes[t]!;
      [...s.proc, ...s.inst].forEach((v, d) => {
        if (v > 0 && (caps[d] ?? 0) > 0) capRows.get(`c${m}${t}_${d}`)!.push({ name: a, coef: v / caps[d]! });
      });
      rows.push({ name: `n${m}${t}_${i}`, vars: [{ name: a, coef: 1 }, { name: `y${m}${t}`, coef: -per }], bnds: { type: g.GLP_UP, lb: 0, ub: 0 } });
    }
    bounds.push({ name: u, type: pools >= c ? g.GLP_DB : g.GLP_FX, lb: 0, ub: pools >= c ? k : 0 });
    rows.push({ name: `od${i}`, vars: od, bnds: { type: g.GLP_LO, lb: k, ub: 0 } });
    rows.push({ name: `all${i}`, vars: all, bnds: { type: g.GLP_LO, lb: r * k, ub: 0 } });
    rows.push({ name: `sp${i}`, vars: sp, bnds: { type: g.GLP_LO, lb: 0, ub: 0 } });
  });
  for (const [name, vars] of capRows) if (vars.length > 1) rows.push({ name, vars, bnds: { type: g.GLP_UP, lb: 0, ub: 0 } });
  rows.push({ name: 'share', vars: share, bnds: { type: g.GLP_UP, lb: 0, ub: 0 } });
  return { name: 'spot', objective: { direction: g.GLP_MIN, name: 'cost', vars: obj }, subjectTo: rows, bounds };
}

/** The smallest sum of the prices (each any number of times) that is ≥ lb; lb when not exact. */
export function nextReachableCost(prices: number[], lb: number): number {
  const decimals = Math.max(0, ...prices.map((v) => (String(v).split('.')[1] ?? '').length));
  if (lb <= 0 || decimals > 6) return Math.max(0, lb);
  const scale = 10 ** decimals;
  const ints = [...new Set(prices.map((v) => Math.round(v * scale)))].filter((c) => c > 0);
  const target = Math.ceil(lb * scale - LP_TOL);
  if (ints.length === 0 || target + Math.max(...ints) > 5_000_000) return lb;
  const top = target + Math.max(...ints);
  const reach = new Uint8Array(top + 1);
  reach[0] = 1;
  for (let v = 0; v <= top; v++) {
    if (!reach[v]) continue;
    if (v >= target) return v / scale;
    for (const c of ints) if (v + c <= top) reach[v + c] = 1;
  }
  return lb;
}

/**
 * Without the LP (too many item types): per dimension, every model pays the cheaper of its modes
 * (one on-demand replica and r − 1 anywhere, or c spot replicas) at the lowest price per unit of
 * that dimension over the types and markets; the spot share cap is dropped (a relaxation still). Rounded up to a reachable cost; the larger over dimensions.
 */
export function spotContinuousBound(set: SpotSetup): SpotBound {
  const p = set.base;
  const prices = p.bins.flatMap((b, t) => [b.price, ...(set.offers[t] ? [set.offers[t]!.price] : [])]);
  let best = 0;
  let spotModels = p.items.map(() => 0);
  const dims = Math.max(0, ...p.bins.map((_, t) => capsOf(p, t).length));
  for (let d = 0; d < dims; d++) {
    let total = 0;
    const u = p.items.map((it, i) => {
      const { k, r, c } = set.groups[i]!;
      let od = Infinity;
      let sp = Infinity;
      p.bins.forEach((b, t) => {
        const s = it.sizes[t];
        if (!s) return;
        const need = [...s.proc, ...s.inst][d] ?? 0;
        const cap = capsOf(p, t)[d] ?? 0;
        const per = (price: number) => (need <= 0 ? 0 : cap > 0 ? (price * need) / cap : Infinity);
        od = Math.min(od, per(b.price));
        if (set.offers[t]) sp = Math.min(sp, per(set.offers[t]!.price));
      });
      // a model that keeps one on-demand replica may have its other r − 1 on spot
      const keep = od + (r - 1) * Math.min(od, sp);
      total += k * Math.min(keep, c * sp);
      return c * sp < keep ? k : 0;
    });
    if (total > best) [best, spotModels] = [total, u];
  }
  return { value: nextReachableCost(prices, best), method: 'per-dimension spot bound (share cap relaxed), rounded up to a reachable cost', spotModels };
}

export function spotBound(g: GLPK, set: SpotSetup): SpotBound {
  const markets = set.base.bins.length + set.offers.filter(Boolean).length;
  if (set.base.items.length * markets > LP_MAX_VARS) return spotContinuousBound(set);
  const lp = spotLp(g, set);
  const uOf = (vars: Record<string, number>) => set.base.items.map((_, i) => vars[`u${i}`] ?? 0);
  const relaxed = g.solve(lp, { msglev: g.GLP_MSG_OFF });
  if (relaxed.result.status !== g.GLP_OPT) throw new MlsError('MLS_ERR_PACK_SOLVER', { lpStatus: { lp: 'spot bound LP', status: relaxed.result.status } });
  const prices = lp.objective.vars.map((v) => v.coef);
  let best: SpotBound = { value: nextReachableCost(prices, relaxed.result.z), method: 'spot LP (instances pooled), rounded up to a reachable cost', spotModels: uOf(relaxed.result.vars) };
  const columns = lp.objective.vars.length + set.base.items.length * (1 + lp.objective.vars.length);
  if (columns <= MIP_MAX_VARS) {
    const generals = [...lp.objective.vars.map((v) => v.name), ...set.base.items.map((_, i) => `u${i}`)];
    const mip = g.solve({ ...lp, generals }, { msglev: g.GLP_MSG_OFF, tmlim: MIP_SECONDS, presol: true });
    if (mip.result.status === g.GLP_OPT && mip.result.z >= best.value - EPS) {
      best = { value: mip.result.z, method: 'spot MIP (whole instances, whole models; capacities pooled per instance type)', spotModels: uOf(mip.result.vars) };
    }
  }
  return best;
}
