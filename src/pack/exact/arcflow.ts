// Arc-flow's graph (Valério de Carvalho; VPSolver's formulation) for one-dimensional integer
// instances on one bin type: a path from 0 to the capacity is one bin, arcs are items in
// non-increasing size order. Its MIP left the product path (it proved nothing on BPPLIB that the
// other methods did not; src/pack/README.md, "Why several methods"; in git history before this
// file's trim); the graph's size still says whether a problem is BPPLIB-like 1-D, which picks
// column generation's time shares (src/pack/solve/colgen-step.ts).
import type { Problem } from '../model/problem.js';
import { EPS } from '../model/tolerance.js';

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
  const cap = Math.floor(caps[d]! + EPS);
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
