// Instance types that never need to be bought: type B is dominated when ⌈B.procs / A.procs⌉
// instances of a type A hold anything one B holds (A's processors as large in every dimension,
// every item no larger on A, and the host dimensions either unused or A's at least B's with one
// A enough) for no more money. Dropping them before solving keeps the optimum and removes
// columns, symmetric choices and fractional mixes from the LP (e.g. inf1.2xlarge is an
// inf1.xlarge with more host memory: when no model needs host memory, it is only dearer).
import type { ItemSize, Problem } from './problem.js';
import { NOISE } from './tolerance.js';

function noLarger(a: number[], b: number[]): boolean {
  return b.every((v, d) => (a[d] ?? 0) <= v * (1 + NOISE) + NOISE);
}

function hostUnused(p: Problem, t: number): boolean {
  return p.items.every((it) => (it.sizes[t]?.inst ?? []).every((v) => v === 0));
}

function dominates(p: Problem, a: number, b: number): boolean {
  const A = p.bins[a]!;
  const B = p.bins[b]!;
  const copies = Math.ceil(B.procs / A.procs);
  if (copies * A.cost > B.cost * (1 + NOISE)) return false;
  if (!noLarger(B.procCap, A.procCap) || B.procCap.length !== A.procCap.length) return false;
  for (const it of p.items) {
    const sb: ItemSize | null | undefined = it.sizes[b];
    if (!sb) continue;
    const sa = it.sizes[a];
    if (!sa || !noLarger(sa.proc, sb.proc) || !noLarger(sa.inst, sb.inst)) return false;
  }
  if (hostUnused(p, b) && hostUnused(p, a)) return true;
  return copies === 1 && noLarger(B.instCap, A.instCap);
}

/** The types worth keeping (indices into p.bins); of two equivalent types the first is kept. */
export function undominatedTypes(p: Problem): number[] {
  const keep: number[] = [];
  p.bins.forEach((_, b) => {
    const beaten = p.bins.some((B, a) => {
      if (a === b || !dominates(p, a, b)) return false;
      // equivalent types (each dominates the other, same cost): keep the lower index
      const tie = dominates(p, b, a) && Math.abs(B.cost - p.bins[b]!.cost) < NOISE;
      return !tie || a < b;
    });
    if (!beaten) keep.push(b);
  });
  return keep;
}

/** The problem restricted to `types`; solutions of it map back through `types[t]`. */
export function restrictTypes(p: Problem, types: number[]): Problem {
  return { ...p, bins: types.map((t) => p.bins[t]!), items: p.items.map((it) => ({ ...it, sizes: types.map((t) => it.sizes[t] ?? null) })) };
}
