// The packing problem in solver terms: item types (identical models grouped, with a demand) and
// bin types (instance types: processors, per-processor and per-instance capacities, a cost).
// Unit-agnostic on purpose: the benchmarks build problems straight from BPPLIB instances.
import { EPS } from './tolerance.js';

/** Sizes of one item on one bin type: per-processor dims and per-instance dims. */
export interface ItemSize {
  proc: number[]; // [processor memory bytes, util %] (benchmarks: any dims)
  inst: number[]; // [host memory bytes, vCPUs]
}

export interface ItemType {
  /** The models this type stands for: several identical models, or one model with replicas. */
  models: Array<{ name: string; archive?: string; basis?: 'traced' | 'calibrated'; rps?: number }>;
  demand: number; // copies to place
  maxPerBin: number; // 1 when the copies are replicas of one model (distinct instances)
  sizes: Array<ItemSize | null>; // indexed by bin type; null when the family has no profile
}

export interface BinType {
  name: string;
  family: string;
  price: number; // $ per hour
  cost: number; // objective coefficient: price, or 1 for --objective count
  procs: number;
  procCap: number[];
  instCap: number[];
}

export interface Problem {
  items: ItemType[];
  bins: BinType[];
  objective: 'cost' | 'count';
}

/** One instance of a plan: its type and the item types on each processor (repeats = copies). */
export interface SolBin {
  type: number;
  procs: number[][];
}

export interface Solution {
  bins: SolBin[];
}


export function fitsAll(used: number[], add: number[], cap: number[]): boolean {
  for (let k = 0; k < cap.length; k++) if ((used[k] ?? 0) + (add[k] ?? 0) > (cap[k] ?? 0) * (1 + EPS) + EPS) return false;
  return true;
}

export function addInto(used: number[], add: number[], sign = 1): void {
  for (let k = 0; k < add.length; k++) used[k] = (used[k] ?? 0) + sign * (add[k] ?? 0);
}

/** Objective coefficients as integers (count, or prices in 1/1000 $) so GLPK can round its bound. */
export function intCost(p: Problem, t: number): number {
  return p.objective === 'count' ? 1 : Math.round(p.bins[t]!.cost * 1000);
}

export function solutionCost(p: Problem, s: Solution): number {
  return s.bins.reduce((a, b) => a + (p.bins[b.type]?.cost ?? 0), 0);
}

/** Whether an item fits alone on an empty instance of bin type t. */
export function fitsEmpty(p: Problem, item: ItemType, t: number): boolean {
  const size = item.sizes[t];
  const bin = p.bins[t];
  return !!size && !!bin && fitsAll([], size.proc, bin.procCap) && fitsAll([], size.inst, bin.instCap);
}

/**
 * Checks a solution against the problem (the solver's own guard; the tests use an independent
 * checker on plan.yaml). Returns the first violation, or null.
 */
export function violation(p: Problem, s: Solution): string | null {
  const placed = new Array<number>(p.items.length).fill(0);
  for (const [bi, b] of s.bins.entries()) {
    const bt = p.bins[b.type];
    if (!bt) return `bin ${bi}: unknown type ${b.type}`;
    if (b.procs.length > bt.procs) return `bin ${bi}: ${b.procs.length} processors > ${bt.procs}`;
    const inst: number[] = [];
    const perBin = new Map<number, number>();
    for (const proc of b.procs) {
      const used: number[] = [];
      for (const i of proc) {
        const size = p.items[i]?.sizes[b.type];
        if (!size) return `bin ${bi}: item ${i} cannot go on ${bt.name}`;
        addInto(used, size.proc);
        addInto(inst, size.inst);
        perBin.set(i, (perBin.get(i) ?? 0) + 1);
        placed[i] = (placed[i] ?? 0) + 1;
      }
      if (!fitsAll([], used, bt.procCap)) return `bin ${bi}: processor over capacity`;
    }
    if (!fitsAll([], inst, bt.instCap)) return `bin ${bi}: instance over capacity`;
    for (const [i, n] of perBin) if (n > (p.items[i]?.maxPerBin ?? 0)) return `bin ${bi}: item ${i} placed ${n} times`;
  }
  for (const [i, it] of p.items.entries()) if (placed[i] !== it.demand) return `item ${i}: placed ${placed[i]} of ${it.demand}`;
  return null;
}
