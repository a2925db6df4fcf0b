// Consistent neighborhood search for vector packing (after Buljubašić & Vasquez, "Consistent
// neighborhood search for one-dimensional bin packing and two-dimensional vector packing", C&OR
// 2016), for one instance type with one processor and no replicas. To find a plan with m bins,
// keep m − 1 bins within capacity in every dimension and a pool of unplaced items, and make the
// pool lighter: a tabu search swaps up to two items between one bin and the pool, alternating
// with a descent that refills each bin with the heaviest subset of its items and the pool
// (vector knapsack). Once the pool fits one bin the plan has m bins; then aim for m − 1. An
// item's weight is its sizes relative to capacity, each dimension weighted by how little room m
// bins leave in it: with equal weights the search stalls a bin above the optimum on instances
// whose tightest dimension is 99.7 % full at the optimum.
import { TabuMemory } from './tabu-memory.js';
import { vectorKnapsack } from '../exact/vector-knapsack.js';
import type { Problem, Solution } from '../model/problem.js';
import { lcg } from '../../seeded-random.js';
import { EPS } from '../model/tolerance.js';
import { copiesToSolution, solutionToCopies } from '../model/convert.js';
import type { SearchLimits } from './search-limits.js';

const YIELD_MS = 30;
const TABU_STEPS = 300; // tabu iterations between two descents
const RESTART_STEPS = 30_000; // before a stuck attempt restarts from other bins
const PAIR_POOL = 40; // pooled items considered in pairs (heaviest first)
const REFILL_BUDGET = 200_000; // work for each bin's refill (vector knapsack)

/** Item copies of a one-type, one-processor problem: sizes relative to capacity. */
export interface VectorView {
  size: number[][]; // per copy, per dimension (processor dims, then instance dims), ≤ 1
  w: number[];
  cls: number[]; // item type of each copy
}

/** The problem as vector bin packing of copies, or null when it is not one. */
export function vectorView(p: Problem): VectorView | null {
  const bt = p.bins[0];
  if (p.bins.length !== 1 || !bt || bt.procs !== 1) return null;
  if (p.items.some((it) => !it.sizes[0] || it.maxPerBin < it.demand)) return null;
  const cap = [...bt.procCap, ...bt.instCap];
  const view: VectorView = { size: [], w: [], cls: [] };
  p.items.forEach((it, i) => {
    const s = it.sizes[0]!;
    const rel = [...s.proc, ...s.inst].map((v, d) => (cap[d]! > 0 ? v / cap[d]! : v > 0 ? Infinity : 0));
    for (let c = 0; c < it.demand; c++) {
      view.size.push(rel);
      view.w.push(rel.reduce((a, b) => a + b, 0));
      view.cls.push(i);
    }
  });
  return view;
}

interface Move {
  d: number; // change of the pool's weight
  dc: number; // change of the pool's item count
  bin: number;
  out: number[];
  into: number[];
}

class Partial {
  readonly load: number[][];
  poolW: number;
  bestW: number;
  iter = 0;
  private readonly tabu: TabuMemory;
  private readonly outs = new Map<number, number[][]>(); // each bin's sets to take out, until it changes

  constructor(
    private readonly v: VectorView,
    readonly bins: number[][],
    public pool: number[],
    private readonly random: () => number,
  ) {
    this.load = bins.map((b) => this.sum(b));
    this.poolW = pool.reduce((a, i) => a + v.w[i]!, 0);
    this.bestW = this.poolW;
    this.tabu = new TabuMemory(v.cls);
  }

  private sum(items: number[]): number[] {
    const dims = this.v.size[0]?.length ?? 0;
    const s = new Array<number>(dims).fill(0);
    for (const i of items) for (let d = 0; d < dims; d++) s[d]! += this.v.size[i]![d]!;
    return s;
  }

  private fits(j: number, out: number[], into: number[]): boolean {
    const load = this.load[j]!;
    for (let d = 0; d < load.length; d++) {
      let x = load[d]!;
      for (const i of out) x -= this.v.size[i]![d]!;
      for (const i of into) x += this.v.size[i]![d]!;
      if (x > 1 + EPS) return false;
    }
    return true;
  }

  private weight(items: number[]): number {
    return items.reduce((a, i) => a + this.v.w[i]!, 0);
  }

  private apply(m: Move): void {
    const bin = this.bins[m.bin]!;
    this.outs.delete(m.bin);
    for (const i of m.out) {
      bin.splice(bin.indexOf(i), 1);
      this.pool.push(i);
    }
    // items just packed may not leave the bin for a while, the longer the more often their type
    // has been packed into it
    for (const i of m.into) {
      this.tabu.packed(m.bin, i, this.iter);
      this.pool.splice(this.pool.indexOf(i), 1);
      bin.push(i);
    }
    this.load[m.bin] = this.sum(bin);
    this.poolW += m.d;
    this.bestW = Math.min(this.bestW, this.poolW);
  }

  /** One tabu step: the best allowed swap of ≤ 2 bin items for ≤ 2 pooled ones (ties at random). */
  tabuStep(): void {
    this.iter++;
    const w = this.v.w;
    const pool = [...this.pool].sort((a, b) => w[b]! - w[a]!);
    const cands = smallSets(pool, this.v.cls, PAIR_POOL, false);
    const candW = cands.map((c) => this.weight(c));
    let best: Move | null = null;
    let ties = 0;
    const consider = (m: Move) => {
      if (!best || m.d < best.d - EPS || (m.d < best.d + EPS && m.dc > best.dc)) ties = 1;
      else if (!(Math.abs(m.d - best.d) < EPS && m.dc === best.dc && this.random() * ++ties < 1)) return;
      best = m;
    };
    this.bins.forEach((bin, j) => {
      let outs = this.outs.get(j);
      if (!outs) this.outs.set(j, (outs = smallSets(bin, this.v.cls, Infinity, true)));
      for (const out of outs) {
        const wa = this.weight(out);
        const outTabu = this.tabu.held(j, out, this.iter);
        cands.forEach((into, k) => {
          const d = wa - candW[k]!;
          if (best && d > (best as Move).d + EPS) return;
          if (outTabu && this.poolW + d >= this.bestW - EPS) return;
          if (Math.abs(d) < EPS && out.length === into.length && out.every((i, x) => this.v.cls[i] === this.v.cls[into[x]!])) return;
          if (this.fits(j, out, into)) consider({ d, dc: out.length - into.length, bin: j, out, into });
        });
      }
    });
    if (best) this.apply(best);
  }

  /** Refills every bin, in random order, with the heaviest subset of its items and the pool. */
  descent(past: () => boolean): void {
    const order = this.bins.map((_, j) => j).sort(() => this.random() - 0.5);
    const dims = this.v.size[0]?.length ?? 0;
    for (const j of order) {
      if (past()) return;
      const both = [...this.bins[j]!, ...this.pool];
      const items = both.map((i, k) => ({ id: k, value: this.v.w[i]!, size: this.v.size[i]!, count: 1 }));
      const r = vectorKnapsack(items, new Array<number>(dims).fill(1), REFILL_BUDGET);
      const was = this.weight(this.bins[j]!);
      if (r.value > was + EPS) {
        const taken = new Set(r.take);
        this.bins[j] = r.take.map((k) => both[k]!);
        this.outs.delete(j);
        this.pool = both.filter((_, k) => !taken.has(k));
        this.load[j] = this.sum(this.bins[j]!);
        this.poolW += was - r.value;
        this.bestW = Math.min(this.bestW, this.poolW);
      }
    }
  }

  /** Whether the pool fits one bin. */
  closes(): boolean {
    return this.sum(this.pool).every((x) => x <= 1 + EPS);
  }
}

/**
 * Weights for a target of m bins: a dimension counts the more the less room m bins leave in it
 * (1 / slack), so the search fills the dimension that decides whether m bins can do.
 */
function tightWeights(v: VectorView, m: number): VectorView {
  const dims = v.size[0]?.length ?? 0;
  const total = new Array<number>(dims).fill(0);
  for (const s of v.size) for (let d = 0; d < dims; d++) total[d]! += s[d]!;
  const inv = total.map((t) => 1 / Math.max(0.05, m - t));
  const norm = dims / inv.reduce((a, b) => a + b, 0);
  const lambda = inv.map((x) => x * norm);
  return { ...v, w: v.size.map((s) => s.reduce((a, x, d) => a + lambda[d]! * x, 0)) };
}

/**
 * The sets of one or two of `items` (two among the first `pairs` only; the empty set too when
 * asked), one per multiset of item types: copies of one model are interchangeable, and 3,000
 * copies of one model would otherwise make millions of identical moves.
 */
function smallSets(items: number[], cls: number[], pairs: number, empty: boolean): number[][] {
  const out: number[][] = empty ? [[]] : [];
  const seen = new Set<string>();
  const push = (set: number[]) => {
    const key = set.map((i) => cls[i]!).sort((a, b) => a - b).join(',');
    if (!seen.has(key)) {
      seen.add(key);
      out.push(set);
    }
  };
  for (const i of items) push([i]);
  const paired = items.slice(0, pairs);
  for (let a = 0; a < paired.length; a++) for (let b = a + 1; b < paired.length; b++) push([paired[a]!, paired[b]!]);
  return out;
}

const toBins = (v: VectorView, s: Solution) => solutionToCopies(v.cls, s, 'instance');

/**
 * Improves a plan until it has `target()` bins or the deadline passes; calls `found` with every
 * plan that has fewer bins. Yields to the event loop now and then so the solver thread hears the
 * worker's bounds. Deterministic for a seed, up to the deadline.
 */
export async function vectorSearch(v: VectorView, start: Solution, limits: SearchLimits, found: (s: Solution) => void): Promise<void> {
  const { deadline, target, now = Date.now } = limits;
  const past = () => now() >= deadline;
  const random = lcg(limits.seed);
  const weightOf = (b: number[]) => b.reduce((a, i) => a + v.w[i]!, 0);
  let best = toBins(v, start);
  let yielded = now();
  let restarts = 0;
  while (best.length > Math.max(2, target()) && !past()) {
    // drop two bins, the emptiest at first and random ones on restarts: m − 2 bins and a pool
    // that must end up in one
    const order = best.map((_, j) => j).sort((a, b) => weightOf(best[a]!) - weightOf(best[b]!) || random() - 0.5);
    for (let k = 0; restarts > 0 && k < 2; k++) {
      const r = k + Math.floor(random() * (order.length - k));
      [order[k], order[r]] = [order[r]!, order[k]!];
    }
    const dropped = new Set(order.slice(0, 2));
    const st = new Partial(tightWeights(v, best.length - 1), best.filter((_, j) => !dropped.has(j)).map((b) => [...b]), [...dropped].flatMap((j) => best[j]!), random);
    st.descent(past);
    let closed = st.closes();
    while (!closed && !past() && best.length > target() && st.iter < RESTART_STEPS) {
      for (let k = 0; k < TABU_STEPS && !(closed = st.closes()); k++) {
        st.tabuStep();
        if (now() - yielded > YIELD_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          yielded = now();
          if (past() || best.length <= target()) break;
        }
      }
      if (closed) break;
      st.descent(past);
      closed = st.closes();
    }
    if (!closed) {
      restarts++;
      continue;
    }
    restarts = 0;
    best = [...st.bins.filter((b) => b.length > 0), ...(st.pool.length ? [st.pool] : [])];
    found(copiesToSolution(v.cls, best));
  }
}
