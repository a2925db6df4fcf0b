// Converters between a plan (Solution: instances → processors → item types) and the views the
// searches work on: bins of item copies (one-dimensional and vector searches number every copy
// of an item type) and patterns (column generation's instance contents). One place, so each
// view's search stays about its own moves.
import type { Pattern } from '../exact/pricing.js';
import type { Solution } from './problem.js';

/**
 * A plan's bins as copy numbers: `cls[c]` is the item type of copy c; each item type's copies are
 * handed out in turn. `per` says what a bin is: one processor, or one whole instance.
 */
export function solutionToCopies(cls: number[], s: Solution, per: 'processor' | 'instance'): number[][] {
  const copies = new Map<number, number[]>();
  cls.forEach((t, c) => copies.set(t, [...(copies.get(t) ?? []), c]));
  const take = (items: number[]) => items.map((t) => copies.get(t)!.pop()!);
  return per === 'processor' ? s.bins.flatMap((b) => b.procs.map(take)) : s.bins.map((b) => take(b.procs.flat()));
}

/** Processor bins of item types as a plan: every `procs` consecutive bins make one instance of `type`. */
export function binsToSolution(bins: number[][], procs = 1, type = 0): Solution {
  const out: Solution = { bins: [] };
  for (let k = 0; k < bins.length; k += procs) out.bins.push({ type, procs: bins.slice(k, k + procs) });
  return out;
}

/** Copy-numbered processor bins as a plan (see solutionToCopies). */
export function copiesToSolution(cls: number[], bins: number[][], procs = 1): Solution {
  return binsToSolution(bins.map((b) => b.map((c) => cls[c]!)), procs);
}

/** A plan's instances as column-generation patterns (their columns seed the master LP). */
export function patternsOf(s: Solution): Pattern[] {
  return s.bins.map((b) => {
    const counts = new Map<number, number>();
    for (const i of b.procs.flat()) counts.set(i, (counts.get(i) ?? 0) + 1);
    return { type: b.type, counts, procs: b.procs.map((x) => [...x]) };
  });
}
