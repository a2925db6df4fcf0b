// The dedicated path for one-dimensional problems (one instance type, one resource that binds,
// no replicas): the plan as processor-sized bins of item copies for consistent neighborhood
// search, and its bins back as a plan (processors grouped into instances). When the items leave
// no room in a plan at the bound, bin completion first (src/pack/heuristics/bin-completion.ts).
import { consistentSearch, type OneDim } from './consistent-search.js';
import { binCompletion } from './bin-completion.js';
import type { Problem, Solution } from '../model/problem.js';
import { copiesToSolution, solutionToCopies } from '../model/convert.js';

export interface OneDimView {
  x: OneDim;
  procs: number; // processors per instance
}

/** The problem as one-dimensional bin packing, or null when it is not one. */
export function oneDimensional(p: Problem): OneDimView | null {
  const bt = p.bins[0];
  if (p.bins.length !== 1 || !bt) return null;
  const sizes = p.items.map((it) => it.sizes[0]);
  if (sizes.some((s) => !s) || p.items.some((it) => it.maxPerBin < it.demand)) return null;
  // instance-wide dimensions would couple the processors of an instance
  if (sizes.some((s) => s!.inst.some((v) => v > 0))) return null;
  const active = bt.procCap.map((_, d) => d).filter((d) => sizes.some((s) => (s!.proc[d] ?? 0) > 0));
  if (active.length !== 1) return null;
  const d = active[0]!;
  const w: number[] = [];
  const cls: number[] = [];
  p.items.forEach((it, i) => {
    for (let c = 0; c < it.demand; c++) {
      w.push(sizes[i]!.proc[d]!);
      cls.push(i);
    }
  });
  return { x: { w, cls, cap: bt.procCap[d]! }, procs: bt.procs };
}

const toBins = (v: OneDimView, s: Solution) => solutionToCopies(v.x.cls, s, 'processor');
const toSolution = (v: OneDimView, bins: number[][]) => copiesToSolution(v.x.cls, bins, v.procs);

/** Runs the search from a plan until `lowerBound()` instances or the deadline; reports each better plan. */
export async function oneDimSearch(v: OneDimView, start: Solution, deadline: number, lowerBound: () => number, found: (s: Solution) => void, seed = 1): Promise<void> {
  await consistentSearch(v.x, toBins(v, start), { deadline, target: () => lowerBound() * v.procs, seed }, (bins) => found(toSolution(v, bins)));
}

const FILL_SHARE = 0.7; // of a round, for bin completion (the rest repairs its best partial plan)

/**
 * Whether bin completion should go first: a plan of `procs` bins would have to fill every one
 * exactly, and some items are over half the capacity (its fail-first choice works on those).
 * Where the items leave a little room at the bound (Hard28), completing bins one at a time
 * commits early to bins that leave the last items no place, and the consistent search's moves
 * do better; where no item is over half (triplets), bin completion has nothing to fail first on
 * and the consistent search finds such plans at once.
 */
function mustFill(v: OneDimView, procs: number): boolean {
  const { w, cap } = v.x;
  return Number.isFinite(procs) && procs * cap === w.reduce((a, b) => a + b, 0) && w.some((x) => 2 * x > cap);
}

/**
 * One round of the 1-D search until the deadline. Where a plan at the bound must fill its bins
 * exactly, odd rounds complete bins one at a time towards it (AI instances: every bin
 * full to the unit), then let the consistent search repair the deepest partial plan; otherwise
 * (and on even rounds) the consistent search improves `start`.
 */
export async function oneDimRound(v: OneDimView, start: Solution, deadline: number, lowerBound: () => number, found: (s: Solution, how?: string) => void, round: number): Promise<void> {
  const target = lowerBound() * v.procs;
  if (round % 2 === 0 || !mustFill(v, target)) return oneDimSearch(v, start, deadline, lowerBound, found, round);
  const r = await binCompletion(v.x.w, v.x.cap, target, { deadline: Date.now() + (deadline - Date.now()) * FILL_SHARE, seed: round });
  if (!r) return oneDimSearch(v, start, deadline, lowerBound, found, round);
  if (r.complete) found(toSolution(v, r.bins), 'bin completion');
  else {
    found(toSolution(v, r.bins));
    await consistentSearch(v.x, r.bins, { deadline, target: () => lowerBound() * v.procs, seed: round }, (bins) => found(toSolution(v, bins)));
  }
}
