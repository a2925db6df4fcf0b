// The problem spot-problem.ts builds falls apart into independent parts: the on-demand models on
// the on-demand types, and each zone's spot copies on that zone's pools. No instance is shared
// between parts, so solving each alone (a few instance types each, instead of all of them at
// once) finds the same optimum sooner; the plan is their union.
import type { Problem, Solution } from '../model/problem.js';
import { solvePacking, type SolveResult } from '../solve/solver.js';
import type { SpotBinInfo } from './spot-problem.js';

interface Part {
  bins: number[]; // bin types of the whole problem
  items: number[];
}

export function partsOf(p: Problem, info: SpotBinInfo[]): Part[] {
  const key = (t: number) => (info[t]!.market === 'spot' ? `spot:${info[t]!.zone}` : 'on-demand');
  const parts = new Map<string, Part>();
  info.forEach((_, t) => {
    const k = key(t);
    if (!parts.has(k)) parts.set(k, { bins: [], items: [] });
    parts.get(k)!.bins.push(t);
  });
  p.items.forEach((it, i) => {
    const t = it.sizes.findIndex((s) => s !== null);
    parts.get(key(t))!.items.push(i);
  });
  return [...parts.values()].filter((x) => x.items.length > 0);
}

/** Solves every part within the time limit (an unused part's time goes to the next ones). */
export async function solveParts(p: Problem, info: SpotBinInfo[], timeLimitMs: number): Promise<SolveResult> {
  const t0 = Date.now();
  const deadline = t0 + timeLimitMs;
  const parts = partsOf(p, info);
  const solution: Solution = { bins: [] };
  let value = 0;
  let lb = 0;
  let optimal = true;
  let timedOut = false;
  let converged = true;
  const methods = new Set<string>();
  for (const [n, part] of parts.entries()) {
    const sub: Problem = {
      objective: p.objective,
      bins: part.bins.map((t) => p.bins[t]!),
      items: part.items.map((i) => ({ ...p.items[i]!, sizes: part.bins.map((t) => p.items[i]!.sizes[t] ?? null) })),
    };
    const r = await solvePacking(sub, { timeLimitMs: Math.max(1, (deadline - Date.now()) / (parts.length - n)) });
    for (const b of r.solution.bins) solution.bins.push({ type: part.bins[b.type]!, procs: b.procs.map((proc) => proc.map((i) => part.items[i]!)) });
    value += r.objectiveValue;
    lb += r.lowerBound;
    optimal &&= r.optimal;
    timedOut ||= r.timedOut;
    converged &&= r.converged;
    methods.add(r.method);
  }
  return {
    solution,
    objectiveValue: value,
    lowerBound: lb,
    optimal,
    gap: value > 0 ? Math.max(0, (value - lb) / value) : 0,
    seconds: (Date.now() - t0) / 1000,
    method: [...methods].join(' + '),
    timedOut,
    converged,
  };
}
