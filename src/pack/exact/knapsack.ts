// Multi-dimensional bounded knapsack: the pricing problem of column generation (which models,
// worth their dual prices, fill one processor best). Exact when it can be: a sparse search over
// reachable sums for few distinct items, or a dense DP on the sizes' own grid (0.1 GB, 1 %...).
// Otherwise sizes go on a coarser grid, rounded up (the packing found is always feasible) or
// down (the value found is an upper bound, used for valid lower bounds).
import { EPS, NOISE } from '../model/tolerance.js';

export interface KnapItem {
  id: number;
  value: number;
  size: number[];
  count: number;
}

export interface KnapResult {
  value: number;
  take: number[]; // item ids, repeated for copies
  exact: boolean;
}

const SPARSE_STATES = 20_000;
const SPARSE_CHUNKS = 16;
const DENSE_STATES = 120_000;

interface Chunk {
  id: number;
  k: number;
  value: number;
  size: number[];
}

function chunks(items: KnapItem[], cap: number[]): Chunk[] {
  const out: Chunk[] = [];
  for (const it of items) {
    if (it.value <= 0 || it.count <= 0) continue;
    let most = it.count;
    for (let d = 0; d < cap.length; d++) {
      const s = it.size[d] ?? 0;
      if (s > 0) most = Math.min(most, Math.floor(((cap[d] ?? 0) * (1 + NOISE)) / s + EPS));
    }
    // binary splitting: copies 1, 2, 4, ... so that any count up to `most` is a sum of chunks
    for (let k = 1; most > 0; k *= 2) {
      const n = Math.min(k, most);
      out.push({ id: it.id, k: n, value: it.value * n, size: it.size.map((s) => s * n) });
      most -= n;
    }
  }
  return out;
}

function expand(cs: Chunk[]): number[] {
  return cs.flatMap((c) => new Array<number>(c.k).fill(c.id));
}

/** Exact search over reachable size vectors; null when they exceed the state budget. */
function sparse(cs: Chunk[], cap: number[]): KnapResult | null {
  type State = { size: number[]; value: number; prev: State | null; chunk: Chunk | null };
  let states: State[] = [{ size: cap.map(() => 0), value: 0, prev: null, chunk: null }];
  const fits = (s: number[]) => s.every((v, d) => v <= (cap[d] ?? 0) * (1 + NOISE) + EPS);
  for (const c of cs) {
    const seen = new Map<string, State>();
    for (const st of states) seen.set(st.size.map((v) => v.toPrecision(12)).join(','), st);
    for (const st of states) {
      const size = st.size.map((v, d) => v + (c.size[d] ?? 0));
      if (!fits(size)) continue;
      const key = size.map((v) => v.toPrecision(12)).join(',');
      const old = seen.get(key);
      const value = st.value + c.value;
      if (!old || old.value < value) seen.set(key, { size, value, prev: st, chunk: c });
    }
    states = [...seen.values()];
    if (states.length > SPARSE_STATES) return null;
  }
  let best = states[0]!;
  for (const st of states) if (st.value > best.value) best = st;
  const taken: Chunk[] = [];
  for (let st: State | null = best; st?.chunk; st = st.prev) taken.push(st.chunk);
  return { value: best.value, take: expand(taken), exact: true };
}

/** The largest power-of-ten unit of which every size and the capacity are whole multiples. */
function naturalUnit(values: number[], cap: number): number {
  const top = Math.pow(10, Math.floor(Math.log10(Math.max(cap, NOISE))));
  for (let u = top; u >= top * 1e-6; u /= 10) {
    if (values.every((v) => Math.abs(v / u - Math.round(v / u)) < 1e-6)) return u;
  }
  return 0;
}

interface Grid {
  dims: number[];
  units: number[];
  cells: number[];
  exact: boolean;
}

/** The sizes' own grid, and whether a dense DP on it fits the state budget. */
function naturalGrid(cs: Chunk[], cap: number[], budget: number): Grid {
  const dims = cap.map((_, d) => d).filter((d) => cs.some((c) => (c.size[d] ?? 0) > 0));
  const units = dims.map((d) => naturalUnit(cs.map((c) => c.size[d] ?? 0), cap[d]!));
  const cells = dims.map((d, j) => (units[j]! > 0 ? Math.floor(cap[d]! / units[j]! + EPS) : Infinity));
  return { dims, units, cells, exact: cells.reduce((a, n) => a * (n + 1), 1) <= budget };
}

/** Dense DP on a grid; `mode` says how sizes that are off the grid are rounded. */
function dense(cs: Chunk[], cap: number[], mode: 'up' | 'down', grid: Grid, budget: number): KnapResult {
  const { dims, units, exact } = grid;
  let cells = grid.cells;
  if (!exact) {
    // coarsen: share the state budget between dimensions
    const n = Math.max(8, Math.floor(Math.pow(budget, 1 / Math.max(1, dims.length))) - 1);
    cells = cells.map((c) => Math.min(c, n));
  }
  const unit = dims.map((d, j) => (exact ? units[j]! : cap[d]! / cells[j]!));
  const round = (v: number) => (exact ? Math.round(v) : mode === 'up' ? Math.ceil(v - EPS) : Math.floor(v + EPS));
  const w = cs.map((c) => dims.map((d, j) => round((c.size[d] ?? 0) / unit[j]!)));
  const radix = cells.map((c) => c + 1);
  const S = radix.reduce((a, b) => a * b, 1);
  const stride = radix.map((_, j) => radix.slice(j + 1).reduce((a, b) => a * b, 1));
  const coord = dims.map((_, j) => {
    const a = new Int32Array(S);
    for (let s = 0; s < S; s++) a[s] = Math.floor(s / stride[j]!) % radix[j]!;
    return a;
  });
  const dp = new Float64Array(S);
  const words = (S >> 5) + 1;
  const keep = cs.map(() => new Uint32Array(words));
  cs.forEach((c, ci) => {
    const wc = w[ci]!;
    if (wc.some((x, j) => x > cells[j]!)) return;
    const off = wc.reduce((a, x, j) => a + x * stride[j]!, 0);
    const bits = keep[ci]!;
    for (let s = S - 1; s >= off; s--) {
      let ok = true;
      for (let j = 0; j < wc.length; j++) if (coord[j]![s]! < wc[j]!) { ok = false; break; }
      if (!ok) continue;
      const v = dp[s - off]! + c.value;
      if (v > dp[s]! + NOISE) {
        dp[s] = v;
        bits[s >> 5]! |= 1 << (s & 31);
      }
    }
  });
  const taken: Chunk[] = [];
  let s = S - 1;
  for (let ci = cs.length - 1; ci >= 0; ci--) {
    if ((keep[ci]![s >> 5]! >>> (s & 31)) & 1) {
      taken.push(cs[ci]!);
      s -= w[ci]!.reduce((a, x, j) => a + x * stride[j]!, 0);
    }
  }
  return { value: dp[S - 1]!, take: expand(taken), exact };
}

const BRANCH_NODES = 200_000;

/**
 * One binding dimension: branch and bound over the item types by value density, taking the most
 * copies first, bounded by the fractional (Dantzig) fill of what is left. Few items fit a bin in
 * cutting-stock pricing, so this ends in a few thousand nodes where a DP over a capacity of
 * 100,000 units costs millions of steps. Null when the node budget runs out.
 */
function branchAndBound(items: KnapItem[], dim: number, cap: number): KnapResult | null {
  const its = items.filter((it) => it.value > 0 && it.count > 0 && (it.size[dim] ?? 0) <= cap * (1 + NOISE) + EPS);
  if (its.some((it) => !((it.size[dim] ?? 0) > 0))) return null;
  its.sort((a, b) => b.value / b.size[dim]! - a.value / a.size[dim]!);
  const n = its.length;
  let best = 0;
  let bestTake: number[] = new Array<number>(n).fill(0);
  const take = new Array<number>(n).fill(0);
  let nodes = 0;
  // prefix sums of all copies in density order: the fractional bound is a binary search
  const sizeSum = new Float64Array(n + 1);
  const valueSum = new Float64Array(n + 1);
  for (let j = 0; j < n; j++) {
    sizeSum[j + 1] = sizeSum[j]! + its[j]!.count * its[j]!.size[dim]!;
    valueSum[j + 1] = valueSum[j]! + its[j]!.count * its[j]!.value;
  }
  const bound = (k: number, room: number): number => {
    const limit = sizeSum[k]! + room;
    let lo = k;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (sizeSum[mid]! <= limit) lo = mid;
      else hi = mid - 1;
    }
    const whole = valueSum[lo]! - valueSum[k]!;
    if (lo >= n) return whole;
    const it = its[lo]!;
    return whole + ((limit - sizeSum[lo]!) / it.size[dim]!) * it.value;
  };
  const visit = (k: number, room: number, value: number): boolean => {
    if (++nodes > BRANCH_NODES) return false;
    if (value > best + NOISE) {
      best = value;
      bestTake = [...take];
    }
    if (k >= n || value + bound(k, room) <= best + NOISE) return true;
    const it = its[k]!;
    const sz = it.size[dim]!;
    for (let c = Math.min(it.count, Math.floor((room * (1 + NOISE) + EPS) / sz)); c >= 0; c--) {
      take[k] = c;
      if (!visit(k + 1, room - c * sz, value + c * it.value)) return false;
    }
    take[k] = 0;
    return true;
  };
  if (!visit(0, cap, 0)) return null;
  return { value: best, take: its.flatMap((it, k) => new Array<number>(bestTake[k]!).fill(it.id)), exact: true };
}

/** Best value of one bin of capacity `cap`. mode 'up': a feasible packing; 'down': an upper bound. */
export function knapsack(items: KnapItem[], cap: number[], mode: 'up' | 'down', budget = DENSE_STATES): KnapResult {
  const cs = chunks(items, cap);
  if (cs.length === 0) return { value: 0, take: [], exact: true };
  const active = cap.map((_, d) => d).filter((d) => items.some((it) => it.value > 0 && it.count > 0 && (it.size[d] ?? 0) > 0));
  if (active.length === 1) {
    const bb = branchAndBound(items, active[0]!, cap[active[0]!]!);
    if (bb) return bb;
  }
  const grid = naturalGrid(cs, cap, budget);
  if (grid.exact) return dense(cs, cap, mode, grid, budget);
  // the sparse search pays off for few distinct items (one bert type: a handful of chunks)
  return (cs.length <= SPARSE_CHUNKS ? sparse(cs, cap) : null) ?? dense(cs, cap, mode, grid, budget);
}

/** Whether knapsack() solves these items exactly on the sizes' own grid, without coarsening. */
export function gridIsExact(items: KnapItem[], cap: number[], budget = DENSE_STATES): boolean {
  const cs = chunks(items, cap);
  return cs.length === 0 || naturalGrid(cs, cap, budget).exact;
}
