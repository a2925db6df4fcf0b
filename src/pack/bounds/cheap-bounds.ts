// Lower bounds on the cost (or count) of any plan, cheap enough to compute before solving:
// the continuous bound per dimension, Martello–Toth's L2 for one instance type, and rounding a
// bound up to the smallest cost a set of instances can actually have.
import type { Problem } from '../model/problem.js';
import { EPS, LP_TOL } from '../model/tolerance.js';

/** Per dimension: each item pays its share of the cheapest type's capacity; the max over dims. */
export function continuousBound(p: Problem): number {
  let best = 0;
  const dimsOf = (t: number) => {
    const b = p.bins[t]!;
    return [...b.procCap.map((c) => c * b.procs), ...b.instCap];
  };
  const nd = Math.max(0, ...p.bins.map((_, t) => dimsOf(t).length));
  for (let d = 0; d < nd; d++) {
    let lb = 0;
    for (const it of p.items) {
      let share = Infinity;
      it.sizes.forEach((s, t) => {
        if (!s) return;
        const need = [...s.proc, ...s.inst][d] ?? 0;
        const cap = dimsOf(t)[d] ?? 0;
        share = Math.min(share, cap > 0 ? (p.bins[t]!.cost * need) / cap : need > 0 ? Infinity : 0);
      });
      lb += it.demand * (Number.isFinite(share) ? share : 0);
    }
    best = Math.max(best, lb);
  }
  return best;
}

/** Martello–Toth L2 for sizes in one dimension with capacity c: a bound on the number of bins. */
export function martelloTothL2(sizes: number[], c: number): number {
  const s = sizes.filter((x) => x > 0).sort((a, b) => b - a);
  const total = s.reduce((a, b) => a + b, 0);
  let best = Math.ceil(total / c - EPS);
  const alphas = [0, ...new Set(s.filter((x) => x <= c / 2))];
  for (const a of alphas) {
    let n1 = 0;
    let n2 = 0;
    let free2 = 0;
    let sum3 = 0;
    for (const x of s) {
      if (x > c - a) n1++;
      else if (x > c / 2) {
        n2++;
        free2 += c - x;
      } else if (x >= a) sum3 += x;
    }
    best = Math.max(best, n1 + n2 + Math.max(0, Math.ceil((sum3 - free2) / c - EPS)));
  }
  return best;
}

/** L2 per processor dimension when there is one instance type: ⌈processors / per instance⌉. */
export function l2Bound(p: Problem): number {
  if (p.bins.length !== 1) return 0;
  const b = p.bins[0]!;
  if (p.items.reduce((a, it) => a + it.demand, 0) > 20_000) return 0;
  let best = 0;
  b.procCap.forEach((cap, d) => {
    const sizes = p.items.flatMap((it) => new Array<number>(it.demand).fill(it.sizes[0]?.proc[d] ?? 0));
    best = Math.max(best, Math.ceil(martelloTothL2(sizes, cap) / b.procs - EPS));
  });
  if (b.procs === 1) {
    b.instCap.forEach((cap, d) => {
      const sizes = p.items.flatMap((it) => new Array<number>(it.demand).fill(it.sizes[0]?.inst[d] ?? 0));
      best = Math.max(best, martelloTothL2(sizes, cap));
    });
  }
  return best * b.cost;
}

/** The smallest objective value ≥ lb that some multiset of instance types can cost. */
export function roundBound(p: Problem, lb: number): number {
  if (lb <= 0) return 0;
  if (p.objective === 'count') return Math.ceil(lb - LP_TOL);
  const costs = [...new Set(p.bins.map((b) => Math.round(b.cost * 1000)))].filter((c) => c > 0);
  const target = Math.ceil(lb * 1000 - LP_TOL);
  const top = target + Math.max(...costs);
  if (costs.length === 0 || top > 5_000_000) return lb;
  const reach = new Uint8Array(top + 1);
  reach[0] = 1;
  for (let v = 0; v <= top; v++) {
    if (!reach[v]) continue;
    if (v >= target) return v / 1000;
    for (const c of costs) if (v + c <= top) reach[v + c] = 1;
  }
  return lb;
}

const CLIQUE_COPIES = 3000; // item copies above which the pairwise test is skipped (it is quadratic)

/**
 * One instance type with one processor: item copies that pairwise cannot share an instance (in
 * some dimension their sizes add up to more than the capacity, or they are replicas of one model)
 * need an instance each. A clique of that conflict graph, grown greedily from the largest copies
 * in each dimension's order: large-item vector instances get their bound at once, before any LP.
 */
export function conflictBound(p: Problem): number {
  const b = p.bins[0];
  if (p.bins.length !== 1 || !b || b.procs !== 1) return 0;
  const cap = [...b.procCap, ...b.instCap];
  const copies: Array<{ type: number; rel: number[] }> = [];
  for (const [i, it] of p.items.entries()) {
    const s = it.sizes[0];
    if (!s) return 0;
    const rel = [...s.proc, ...s.inst].map((v, d) => (cap[d]! > 0 ? v / cap[d]! : 0));
    for (let c = 0; c < it.demand && copies.length <= CLIQUE_COPIES; c++) copies.push({ type: i, rel });
  }
  if (copies.length > CLIQUE_COPIES) return 0;
  const conflict = (x: (typeof copies)[number], y: (typeof copies)[number]) =>
    (x.type === y.type && p.items[x.type]!.maxPerBin < 2) || x.rel.some((v, d) => v + y.rel[d]! > 1 + EPS);
  let best = 0;
  const keys: Array<(r: number[]) => number> = [...cap.map((_, d) => (r: number[]) => r[d]!), (r) => Math.max(...r)];
  for (const key of keys) {
    const order = [...copies].sort((x, y) => key(y.rel) - key(x.rel));
    const clique: typeof copies = [];
    for (const c of order) if (clique.every((k) => conflict(k, c))) clique.push(c);
    best = Math.max(best, clique.length);
  }
  return best * b.cost;
}
