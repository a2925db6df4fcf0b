// Arc-flow (Valério de Carvalho; VPSolver's formulation) for one-dimensional integer instances
// on one bin type: a path from 0 to the capacity is one bin, arcs are items in non-increasing
// size order, and a minimum flow covering the demands is an optimal plan. Exact where column
// generation's price-and-branch stalls (Falkenauer triplets); only used while the graph is small.
import type { GLPK, LP } from 'glpk.js/node';
import type { Problem, Solution } from '../model/problem.js';

export const ARCFLOW_MAX_ARCS = 60_000;

interface Arc {
  from: number;
  to: number;
  item: number; // −1 for a loss arc
}

/** The single positive dimension and integer sizes arc-flow needs, or null. */
function oneDim(p: Problem): { cap: number; w: number[] } | null {
  const b = p.bins[0];
  if (p.bins.length !== 1 || !b || b.procs !== 1) return null;
  const sizes = p.items.map((it) => {
    const s = it.sizes[0];
    return s ? [...s.proc, ...s.inst] : null;
  });
  if (sizes.some((s) => !s) || p.items.some((it) => it.maxPerBin < it.demand)) return null;
  const caps = [...b.procCap, ...b.instCap];
  const active = caps.map((_, d) => d).filter((d) => sizes.some((s) => (s![d] ?? 0) > 0));
  if (active.length !== 1) return null;
  const d = active[0]!;
  const w = sizes.map((s) => s![d]!);
  const cap = Math.floor(caps[d]! + 1e-9);
  if (!w.every((x) => Number.isInteger(x) && x > 0) || cap > 200_000) return null;
  return { cap, w };
}

function buildArcs(cap: number, w: number[], demand: number[], order: number[]): Arc[] | null {
  const reach = new Uint8Array(cap + 1);
  reach[0] = 1;
  const arcs: Arc[] = [];
  for (const i of order) {
    // at most `demand` copies of item i in a row: a path never holds more copies than needed
    let frontier: number[] = [];
    for (let u = 0; u <= cap; u++) if (reach[u]) frontier.push(u);
    const from = new Set<number>();
    for (let c = 0; c < demand[i]! && frontier.length; c++) {
      const next: number[] = [];
      for (const u of frontier) {
        const v = u + w[i]!;
        if (v > cap || from.has(u)) continue;
        from.add(u);
        arcs.push({ from: u, to: v, item: i });
        next.push(v);
        if (arcs.length > ARCFLOW_MAX_ARCS) return null;
      }
      for (const v of next) reach[v] = 1;
      frontier = next;
    }
  }
  for (let u = 1; u < cap; u++) if (reach[u]) arcs.push({ from: u, to: cap, item: -1 });
  return arcs;
}

export function arcflowApplies(p: Problem): boolean {
  const one = oneDim(p);
  if (!one) return false;
  const order = p.items.map((_, i) => i).sort((a, b) => one.w[b]! - one.w[a]!);
  return buildArcs(one.cap, one.w, p.items.map((it) => it.demand), order) !== null;
}

export function solveArcflow(g: GLPK, p: Problem, seconds: number): { solution: Solution; proven: boolean } | null {
  const one = oneDim(p);
  if (!one) return null;
  const order = p.items.map((_, i) => i).sort((a, b) => one.w[b]! - one.w[a]!);
  const arcs = buildArcs(one.cap, one.w, p.items.map((it) => it.demand), order);
  if (!arcs) return null;
  const nodes = new Map<number, Array<{ name: string; coef: number }>>();
  const at = (u: number) => nodes.get(u) ?? (nodes.set(u, []), nodes.get(u)!);
  const demand = p.items.map(() => [] as Array<{ name: string; coef: number }>);
  arcs.forEach((a, k) => {
    at(a.from).push({ name: `f${k}`, coef: -1 });
    at(a.to).push({ name: `f${k}`, coef: 1 });
    if (a.item >= 0) demand[a.item]!.push({ name: `f${k}`, coef: 1 });
  });
  const rows: LP['subjectTo'] = [];
  for (const [u, vars] of nodes) {
    if (u === 0 || u === one.cap) continue;
    rows.push({ name: `n${u}`, vars, bnds: { type: g.GLP_FX, lb: 0, ub: 0 } });
  }
  demand.forEach((vars, i) => rows.push({ name: `d${i}`, vars, bnds: { type: g.GLP_LO, lb: p.items[i]!.demand, ub: 0 } }));
  const out = arcs.map((a, k) => (a.from === 0 ? { name: `f${k}`, coef: 1 } : null)).filter((v): v is { name: string; coef: number } => v !== null);
  const lp: LP = {
    name: 'arcflow',
    objective: { direction: g.GLP_MIN, name: 'bins', vars: out },
    subjectTo: rows,
    generals: arcs.map((_, k) => `f${k}`),
  };
  const r = g.solve(lp, { msglev: g.GLP_MSG_OFF, tmlim: Math.max(1, Math.floor(seconds)) });
  if (r.result.status !== g.GLP_OPT && r.result.status !== g.GLP_FEAS) return null;
  // decompose the flow into paths from 0: each path is one bin
  const flow = arcs.map((_, k) => Math.round(r.result.vars[`f${k}`] ?? 0));
  const from = new Map<number, number[]>();
  arcs.forEach((a, k) => from.set(a.from, [...(from.get(a.from) ?? []), k]));
  const left = p.items.map((it) => it.demand);
  const bins: Solution['bins'] = [];
  for (;;) {
    const path: number[] = [];
    let u = 0;
    while (u !== one.cap) {
      const k = (from.get(u) ?? []).find((k2) => flow[k2]! > 0);
      if (k === undefined) break;
      flow[k]!--;
      path.push(k);
      u = arcs[k]!.to;
    }
    if (path.length === 0) break;
    const items = path.map((k) => arcs[k]!.item).filter((i) => i >= 0 && left[i]! > 0 && left[i]!-- > 0);
    if (items.length) bins.push({ type: 0, procs: [items] });
  }
  return { solution: { bins }, proven: r.result.status === g.GLP_OPT };
}
