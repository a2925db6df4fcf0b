// A mutable view of a plan for the improvement heuristics: each instance with its processors'
// and host usage and the copies of each item type it holds, kept up to date on every change.
// Item sizes are scalarized per instance type (the sum over dimensions of size / capacity, host
// dimensions shared between processors) so "fuller" means the same in 1-D and in several dims.
import { addInto, fitsAll, type Problem, type Solution } from '../model/problem.js';

export interface LiveBin {
  type: number;
  procs: number[][];
  procUsed: number[][];
  instUsed: number[];
  count: Map<number, number>;
}

/** Scalar weight of item i on type t (null: the item cannot go on t). */
export function weights(p: Problem): Array<Array<number | null>> {
  return p.items.map((it) =>
    p.bins.map((bt, t) => {
      const s = it.sizes[t];
      if (!s) return null;
      let w = 0;
      s.proc.forEach((v, d) => (w += v / (bt.procCap[d] || 1)));
      s.inst.forEach((v, d) => (w += (v * bt.procs) / (bt.instCap[d] || 1)));
      return w;
    }),
  );
}

export function liveBin(p: Problem, type: number, procs: number[][]): LiveBin {
  const b: LiveBin = { type, procs: [], procUsed: [], instUsed: [], count: new Map() };
  procs.forEach((proc, k) => {
    b.procs.push([]);
    b.procUsed.push([]);
    for (const i of proc) add(p, b, k, i);
  });
  return b;
}

export function toLive(p: Problem, s: Solution): LiveBin[] {
  return s.bins.map((b) => liveBin(p, b.type, b.procs));
}

export function fromLive(bins: LiveBin[]): Solution {
  return { bins: bins.map((b) => ({ type: b.type, procs: b.procs.filter((x) => x.length > 0).map((x) => [...x]) })).filter((b) => b.procs.length > 0) };
}

export function add(p: Problem, b: LiveBin, k: number, i: number): void {
  const s = p.items[i]!.sizes[b.type]!;
  while (b.procs.length <= k) {
    b.procs.push([]);
    b.procUsed.push([]);
  }
  b.procs[k]!.push(i);
  addInto(b.procUsed[k]!, s.proc);
  addInto(b.instUsed, s.inst);
  b.count.set(i, (b.count.get(i) ?? 0) + 1);
}

/** Removes one copy of item i from processor k. */
export function remove(p: Problem, b: LiveBin, k: number, i: number): void {
  const s = p.items[i]!.sizes[b.type]!;
  const proc = b.procs[k]!;
  proc.splice(proc.indexOf(i), 1);
  addInto(b.procUsed[k]!, s.proc, -1);
  addInto(b.instUsed, s.inst, -1);
  b.count.set(i, (b.count.get(i) ?? 0) - 1);
}

/** Whether processor k of b can take `plus` in place of `minus` (both lists of item types). */
export function canSwap(p: Problem, b: LiveBin, k: number, minus: number[], plus: number[]): boolean {
  const bt = p.bins[b.type]!;
  if (k >= bt.procs) return false;
  const proc = [...(b.procUsed[k] ?? [])];
  const inst = [...b.instUsed];
  const count = new Map<number, number>();
  for (const i of minus) {
    const s = p.items[i]!.sizes[b.type]!;
    addInto(proc, s.proc, -1);
    addInto(inst, s.inst, -1);
    count.set(i, (count.get(i) ?? 0) - 1);
  }
  for (const i of plus) {
    const s = p.items[i]!.sizes[b.type];
    if (!s) return false;
    addInto(proc, s.proc);
    addInto(inst, s.inst);
    count.set(i, (count.get(i) ?? 0) + 1);
  }
  for (const [i, c] of count) if (c > 0 && (b.count.get(i) ?? 0) + c > p.items[i]!.maxPerBin) return false;
  return fitsAll([], proc, bt.procCap) && fitsAll([], inst, bt.instCap);
}

/** Fill of an instance: its items' weight over its processors (1 = every dimension full). */
export function fill(p: Problem, w: Array<Array<number | null>>, b: LiveBin): number {
  let sum = 0;
  for (const proc of b.procs) for (const i of proc) sum += w[i]![b.type] ?? 0;
  const bt = p.bins[b.type]!;
  return sum / (bt.procs * (bt.procCap.length + bt.instCap.length));
}
