// Exhaustive optimum of tiny packing problems (≤ 9 copies): every subset of copies gets the
// cheapest instance type that can hold it (processors assigned exhaustively), then a DP over
// subsets finds the cheapest partition. Written independently of the solver.
import type { Problem } from '../../src/pack/model/problem.js';

function holds(p: Problem, t: number, items: number[]): boolean {
  const bt = p.bins[t]!;
  const inst = bt.instCap.map(() => 0);
  const counts = new Map<number, number>();
  for (const i of items) {
    const s = p.items[i]!.sizes[t];
    if (!s) return false;
    s.inst.forEach((v, d) => (inst[d]! += v));
    counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  if (inst.some((v, d) => v > bt.instCap[d]! + 1e-9)) return false;
  if ([...counts].some(([i, n]) => n > p.items[i]!.maxPerBin)) return false;
  const used = Array.from({ length: bt.procs }, () => bt.procCap.map(() => 0));
  const place = (n: number): boolean => {
    if (n === items.length) return true;
    const s = p.items[items[n]!]!.sizes[t]!;
    for (const u of used) {
      if (s.proc.every((v, d) => u[d]! + v <= bt.procCap[d]! + 1e-9)) {
        s.proc.forEach((v, d) => (u[d]! += v));
        if (place(n + 1)) return true;
        s.proc.forEach((v, d) => (u[d]! -= v));
      }
    }
    return false;
  };
  return place(0);
}

export function bruteForceOptimum(p: Problem): number {
  const copies = p.items.flatMap((it, i) => new Array<number>(it.demand).fill(i));
  const n = copies.length;
  if (n > 9) throw new Error('too many copies for brute force');
  const full = (1 << n) - 1;
  const binCost = new Array<number>(full + 1).fill(Infinity);
  for (let m = 1; m <= full; m++) {
    const items = copies.filter((_, c) => m & (1 << c));
    p.bins.forEach((b, t) => {
      if (b.cost < binCost[m]! && holds(p, t, items)) binCost[m] = b.cost;
    });
  }
  const best = new Array<number>(full + 1).fill(Infinity);
  best[0] = 0;
  for (let m = 1; m <= full; m++) {
    const low = m & -m;
    for (let sub = m; sub; sub = (sub - 1) & m) {
      if (sub & low) best[m] = Math.min(best[m]!, binCost[sub]! + best[m ^ sub]!);
    }
  }
  return best[full]!;
}
