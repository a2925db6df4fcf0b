// Consistent neighborhood search for one-dimensional bin packing (after Buljubašić & Vasquez,
// "Consistent neighborhood search for one-dimensional bin packing and two-dimensional vector
// packing", C&OR 2016). To find a plan with m bins, keep m − 2 bins always within capacity and a
// pool of unplaced items, and make the pool lighter: a tabu search swaps up to two items between
// one bin and the pool, alternating with a descent that refills one bin as fully as possible from
// its items and the pool. Once the pool fits into two bins the plan has m bins; then aim for m − 1.
// Bin elimination by swaps stalls on the Falkenauer triplets; this finds most of them in seconds.
import { TabuMemory } from './tabu-memory.js';
import { fitsTwoBins, maxSubsetSum } from './subset-sum.js';
import { lcg } from '../../seeded-random.js';
import { EPS } from '../model/tolerance.js';
import type { SearchLimits } from './search-limits.js';

export interface OneDim {
  w: number[]; // weight of each item copy
  cls: number[]; // item type of each copy (copies of a type are interchangeable)
  cap: number;
}

const YIELD_MS = 30;
const TABU_STEPS = 1000; // tabu iterations between two descents
const RESTART_STEPS = 5000; // tabu iterations before a stuck attempt restarts from other bins
const PAIR_POOL = 60; // pooled items considered in pairs (heaviest first)

interface Move {
  d: number; // change of the pool's weight
  dc: number; // change of the pool's item count (more, smaller items are easier to place)
  bin: number;
  out: number[];
  into: number[];
}

interface Cand {
  items: number[];
  w: number;
}

/** Whether two item lists hold the same copies of the same types (swapping them changes nothing). */
function sameClasses(cls: number[], a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  const x = a.map((i) => cls[i]!).sort((p, q) => p - q);
  const y = b.map((i) => cls[i]!).sort((p, q) => p - q);
  return x.every((v, k) => v === y[k]);
}

class Partial {
  readonly load: number[];
  pool: number[];
  poolW: number;
  private readonly tabu: TabuMemory;
  iter = 0;
  bestW: number;

  constructor(
    private readonly x: OneDim,
    readonly bins: number[][],
    pool: number[],
    private readonly random: () => number,
  ) {
    this.load = bins.map((b) => b.reduce((a, i) => a + x.w[i]!, 0));
    this.pool = pool;
    this.poolW = pool.reduce((a, i) => a + x.w[i]!, 0);
    this.bestW = this.poolW;
    this.tabu = new TabuMemory(x.cls);
  }

  private readonly outs = new Map<number, Cand[]>();

  /** The sets of at most two items of bin j (and the empty set), with their weights; cached until the bin changes. */
  private outsOf(j: number): Cand[] {
    let list = this.outs.get(j);
    if (list) return list;
    const items = this.bins[j]!;
    const w = this.x.w;
    list = [{ items: [], w: 0 }];
    for (let a = 0; a < items.length; a++) {
      list.push({ items: [items[a]!], w: w[items[a]!]! });
      for (let b = a + 1; b < items.length; b++) list.push({ items: [items[a]!, items[b]!], w: w[items[a]!]! + w[items[b]!]! });
    }
    this.outs.set(j, list);
    return list;
  }

  private weight(items: number[]): number {
    return items.reduce((a, i) => a + this.x.w[i]!, 0);
  }

  private apply(m: Move): void {
    const bin = this.bins[m.bin]!;
    this.outs.delete(m.bin);
    for (const i of m.out) {
      bin.splice(bin.indexOf(i), 1);
      this.pool.push(i);
    }
    // items just packed into a bin may not leave it again for a while, the longer the more often
    // items of their type have been packed into it (by type: copies are interchangeable)
    for (const i of m.into) {
      this.tabu.packed(m.bin, i, this.iter);
    }
    for (const i of m.into) {
      this.pool.splice(this.pool.indexOf(i), 1);
      bin.push(i);
    }
    this.load[m.bin] = this.load[m.bin]! - this.weight(m.out) + this.weight(m.into);
    this.poolW += m.d;
    this.bestW = Math.min(this.bestW, this.poolW);
  }

  /** One tabu step: the best allowed swap of ≤ 2 bin items for ≤ 2 pooled ones (ties at random). */
  tabuStep(): void {
    this.iter++;
    const w = this.x.w;
    const pool = [...this.pool].sort((a, b) => w[b]! - w[a]!);
    const cands: Cand[] = pool.map((i) => ({ items: [i], w: w[i]! }));
    const paired = pool.slice(0, PAIR_POOL);
    for (let a = 0; a < paired.length; a++) for (let b = a + 1; b < paired.length; b++) cands.push({ items: [paired[a]!, paired[b]!], w: w[paired[a]!]! + w[paired[b]!]! });
    cands.sort((p, q) => q.w - p.w);
    let best: Move | null = null;
    let bestD = Infinity;
    let bestDc = -Infinity;
    let ties = 0;
    // allocates a move only when it wins or ties (ties broken uniformly at random)
    const consider = (d: number, dc: number, j: number, out: number[], into: number[]) => {
      if (d < bestD - EPS || (d < bestD + EPS && dc > bestDc)) ties = 1;
      else if (!(Math.abs(d - bestD) < EPS && dc === bestDc && this.random() * ++ties < 1)) return;
      best = { d, dc, bin: j, out, into };
      bestD = d;
      bestDc = dc;
    };
    for (let j = 0; j < this.bins.length; j++) {
      for (const { items: out, w: wa } of this.outsOf(j)) {
        const room = this.x.cap - this.load[j]! + wa;
        // no candidate can beat the best move so far (a heavier one cannot fit)
        if (wa - Math.min(room, cands[0]?.w ?? 0) > bestD + EPS && wa > bestD + EPS) continue;
        const outTabu = this.tabu.held(j, out, this.iter);
        // the heaviest pooled candidates that fit, then lighter ones while they can still win
        let lo = 0;
        let hi = cands.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cands[mid]!.w > room + EPS) lo = mid + 1;
          else hi = mid;
        }
        for (let k = lo; k < cands.length; k++) {
          const c = cands[k]!;
          const d = wa - c.w;
          if (d > bestD + EPS) break;
          if (outTabu && this.poolW + d >= this.bestW - EPS) continue;
          if (Math.abs(d) < EPS && sameClasses(this.x.cls, out, c.items)) continue;
          consider(d, out.length - c.items.length, j, out, c.items);
        }
        if (out.length > 0 && wa <= bestD + EPS) consider(wa, out.length, j, out, []);
      }
    }
    if (best) this.apply(best);
  }

  /** Refills every bin, in random order, with the fullest subset of its items and the pool. */
  descent(): void {
    const order = this.bins.map((_, j) => j).sort(() => this.random() - 0.5);
    for (const j of order) {
      const both = [...this.bins[j]!, ...this.pool];
      const r = maxSubsetSum(both.map((i) => this.x.w[i]!), this.x.cap);
      const inBin = this.bins[j]!.length;
      if (r.sum > this.load[j]! + EPS || (r.sum > this.load[j]! - EPS && r.take.length < inBin)) {
        const taken = new Set(r.take);
        this.outs.delete(j);
        this.bins[j] = r.take.map((k) => both[k]!);
        this.pool = both.filter((_, k) => !taken.has(k));
        this.poolW += this.load[j]! - r.sum;
        this.load[j] = r.sum;
        this.bestW = Math.min(this.bestW, this.poolW);
      }
    }
  }

  /** The pool as at most two bins, when it fits. */
  closing(): number[][] | null {
    if (this.poolW > 2 * this.x.cap + EPS) return null;
    const r = fitsTwoBins(this.pool.map((i) => this.x.w[i]!), this.x.cap);
    if (!r.fits) return null;
    const first = new Set(r.first);
    return [r.first.map((k) => this.pool[k]!), this.pool.filter((_, k) => !first.has(k))].filter((b) => b.length > 0);
  }
}

/**
 * Improves a plan (bins of item indexes) until it has `target()` bins or the deadline passes;
 * calls `found` with every plan that has fewer bins. Yields to the event loop now and then so the
 * solver thread hears the worker's bounds. Deterministic for a seed, up to the deadline.
 */
export async function consistentSearch(x: OneDim, start: number[][], limits: SearchLimits, found: (bins: number[][]) => void): Promise<number[][]> {
  const { deadline, target, now = Date.now } = limits;
  const random = lcg(limits.seed);
  const loadOf = (b: number[]) => b.reduce((a, i) => a + x.w[i]!, 0);
  let best = start.map((b) => [...b]);
  let yielded = now();
  let restarts = 0;
  while (best.length > Math.max(3, target()) && now() < deadline) {
    // drop three bins, the emptiest at first and random ones on restarts: m − 3 bins and a pool
    // that must end up in two bins
    const order = best.map((_, j) => j).sort((a, b) => loadOf(best[a]!) - loadOf(best[b]!) || random() - 0.5);
    for (let k = 0; restarts > 0 && k < 3; k++) {
      const r = k + Math.floor(random() * (order.length - k));
      [order[k], order[r]] = [order[r]!, order[k]!];
    }
    const dropped = new Set(order.slice(0, 3));
    const st = new Partial(x, best.filter((_, j) => !dropped.has(j)).map((b) => [...b]), [...dropped].flatMap((j) => best[j]!), random);
    let closed: number[][] | null = null;
    st.descent();
    while (!(closed = st.closing()) && now() < deadline && best.length > target() && st.iter < RESTART_STEPS) {
      for (let k = 0; k < TABU_STEPS && !(closed = st.closing()); k++) st.tabuStep();
      if (closed) break;
      st.descent();
      if (now() - yielded > YIELD_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        yielded = now();
      }
    }
    if (!closed) {
      restarts++;
      continue;
    }
    restarts = 0;
    best = [...st.bins.filter((b) => b.length > 0), ...closed];
    found(best);
  }
  return best;
}
