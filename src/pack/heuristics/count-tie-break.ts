// `--objective count` counts every instance as 1, so the solver is indifferent between an
// inf1.6xlarge and an inf1.2xlarge that hold the same models. Ties are broken by price afterwards:
// each instance moves to the cheapest type that holds its own models (first-fit decreasing onto
// that type's processors). The count, and so the bound and the proof, are unchanged.
import { addInto, fitsAll, violation, type Problem, type SolBin, type Solution } from '../model/problem.js';

export function cheapestEqualCount(p: Problem, s: Solution): Solution {
  if (p.objective !== 'count') return s;
  const byPrice = p.bins.map((_, t) => t).sort((a, b) => p.bins[a]!.price - p.bins[b]!.price);
  const bins = s.bins.map((b) => {
    for (const t of byPrice) {
      if (p.bins[t]!.price >= p.bins[b.type]!.price) break;
      const moved = repack(p, b, t);
      if (moved) return moved;
    }
    return b;
  });
  const out = { bins };
  return violation(p, out) === null ? out : s;
}

/** The bin's items on one instance of type t, or null when they do not fit. */
function repack(p: Problem, b: SolBin, t: number): SolBin | null {
  const bt = p.bins[t]!;
  const items = b.procs.flat();
  const sizes = items.map((i) => p.items[i]!.sizes[t]);
  if (sizes.some((sz) => !sz)) return null;
  const inst: number[] = [];
  for (const sz of sizes) addInto(inst, sz!.inst);
  if (!fitsAll([], inst, bt.instCap)) return null;
  // Largest first by the share of a processor they take in their tightest dimension.
  const load = (k: number) => Math.max(...sizes[k]!.proc.map((v, d) => v / (bt.procCap[d] || 1)));
  const order = items.map((_, k) => k).sort((x, y) => load(y) - load(x));
  const procs: number[][] = Array.from({ length: bt.procs }, () => []);
  const used: number[][] = Array.from({ length: bt.procs }, () => []);
  for (const k of order) {
    const j = used.findIndex((u) => fitsAll(u, sizes[k]!.proc, bt.procCap));
    if (j < 0) return null;
    addInto(used[j]!, sizes[k]!.proc);
    procs[j]!.push(items[k]!);
  }
  return { type: t, procs };
}
