// Greedy plans: first-fit decreasing under several orderings and instance-type rules, then each
// instance downgraded to the cheapest type that still holds its models. The best one is the
// incumbent the exact methods start from (and the answer when they run out of time).
import { addInto, fitsAll, fitsEmpty, solutionCost, type Problem, type SolBin, type Solution } from '../model/problem.js';
import { EPS } from '../model/tolerance.js';

interface OpenBin extends SolBin {
  procUsed: number[][];
  instUsed: number[];
  count: Map<number, number>;
}

type Order = 'max' | 'sum' | 'first';

function sizeKey(p: Problem, i: number, t: number, order: Order): number {
  const item = p.items[i]!;
  const bt = p.bins[t]!;
  const size = item.sizes[t];
  if (!size) return 0;
  const rel = [...size.proc.map((v, k) => v / (bt.procCap[k] || 1)), ...size.inst.map((v, k) => (v / (bt.instCap[k] || 1)) * bt.procs)];
  if (order === 'first') return rel[0] ?? 0;
  if (order === 'sum') return rel.reduce((a, b) => a + b, 0);
  return Math.max(0, ...rel);
}

/** Models per instance of type t, estimated from the mean normalized size of the items. */
function costPerItem(p: Problem, t: number): number {
  const bt = p.bins[t]!;
  let proc = 0;
  let inst = 0;
  let n = 0;
  for (const it of p.items) {
    const s = it.sizes[t];
    if (!s) continue;
    proc += Math.max(0, ...s.proc.map((v, k) => v / (bt.procCap[k] || 1))) * it.demand;
    inst += Math.max(0, ...s.inst.map((v, k) => v / (bt.instCap[k] || 1))) * it.demand;
    n += it.demand;
  }
  if (n === 0) return Infinity;
  const perBin = Math.min(proc > 0 ? (bt.procs * n) / proc : Infinity, inst > 0 ? n / inst : Infinity);
  return bt.cost / Math.max(1, Math.min(perBin, n));
}

function tryPlace(p: Problem, b: OpenBin, i: number): boolean {
  const item = p.items[i]!;
  const size = item.sizes[b.type];
  const bt = p.bins[b.type]!;
  if (!size || (b.count.get(i) ?? 0) >= item.maxPerBin || !fitsAll(b.instUsed, size.inst, bt.instCap)) return false;
  for (let k = 0; k < bt.procs; k++) {
    if (k === b.procs.length) {
      b.procs.push([]);
      b.procUsed.push([]);
    }
    if (fitsAll(b.procUsed[k]!, size.proc, bt.procCap)) {
      b.procs[k]!.push(i);
      addInto(b.procUsed[k]!, size.proc);
      addInto(b.instUsed, size.inst);
      b.count.set(i, (b.count.get(i) ?? 0) + 1);
      return true;
    }
  }
  return false;
}

function newBin(type: number): OpenBin {
  return { type, procs: [], procUsed: [], instUsed: [], count: new Map() };
}

/** First-fit decreasing; `pick(i)` chooses the type of a new instance for item i. */
export function firstFitDecreasing(p: Problem, copies: number[], pick: (i: number) => number): Solution {
  const bins: OpenBin[] = [];
  for (const i of copies) {
    if (bins.some((b) => tryPlace(p, b, i))) continue;
    const b = newBin(pick(i));
    if (!tryPlace(p, b, i)) throw new Error(`item ${i} does not fit an empty ${p.bins[b.type]?.name}`);
    bins.push(b);
  }
  return { bins: bins.map((b) => ({ type: b.type, procs: b.procs.filter((x) => x.length > 0) })) };
}

/** Re-packs one instance's items onto type t; null if they do not fit. */
export function repackOn(p: Problem, items: number[], t: number): SolBin | null {
  const b = newBin(t);
  const sorted = [...items].sort((x, y) => sizeKey(p, y, t, 'max') - sizeKey(p, x, t, 'max'));
  for (const i of sorted) if (!tryPlace(p, b, i)) return null;
  return { type: t, procs: b.procs.filter((x) => x.length > 0) };
}

/** Moves every instance to the cheapest type that still holds its items. */
export function downgrade(p: Problem, s: Solution): Solution {
  const byCost = p.bins.map((_, t) => t).sort((a, b) => p.bins[a]!.cost - p.bins[b]!.cost);
  return {
    bins: s.bins.map((b) => {
      const items = b.procs.flat();
      for (const t of byCost) {
        if (p.bins[t]!.cost >= p.bins[b.type]!.cost) break;
        const r = repackOn(p, items, t);
        if (r) return r;
      }
      return b;
    }),
  };
}

/** The cheapest of several greedy plans. */
export function bestGreedy(p: Problem): Solution {
  const types = p.bins.map((_, t) => t);
  const ratio = types.map((t) => costPerItem(p, t));
  const fitting = p.items.map((it) => types.filter((t) => fitsEmpty(p, it, t)));
  const byRatio = (i: number) => [...fitting[i]!].sort((a, b) => ratio[a]! - ratio[b]!)[0]!;
  const rules: Array<{ ref: (i: number) => number; pick: (i: number) => number }> = [{ ref: byRatio, pick: byRatio }];
  for (const t of types) {
    const pick = (i: number) => (fitting[i]!.includes(t) ? t : byRatio(i));
    rules.push({ ref: pick, pick });
  }
  let best: Solution | null = null;
  let bestCost = Infinity;
  for (const rule of rules) {
    for (const order of ['max', 'sum', 'first'] as const) {
      const copies: number[] = [];
      p.items.forEach((it, i) => {
        for (let c = 0; c < it.demand; c++) copies.push(i);
      });
      const key = p.items.map((_, i) => sizeKey(p, i, rule.ref(i), order));
      copies.sort((a, b) => key[b]! - key[a]! || a - b);
      const s = downgrade(p, firstFitDecreasing(p, copies, rule.pick));
      const c = solutionCost(p, s);
      if (c < bestCost - EPS) {
        best = s;
        bestCost = c;
      }
    }
  }
  return best!;
}
