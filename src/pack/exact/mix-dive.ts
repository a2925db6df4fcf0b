// A plan on one mix of instance types by diving with backtracking on its pattern LP
// (src/pack/bounds/mix-pattern-lp.ts): when the LP holds the models on the mix the cut loop
// found, fix the pattern it uses most, solve the rest again (columns priced for what is left),
// and try the next pattern where the rest cannot be held. On a 50-model fleet the cheapest mix
// has 3-5 instances: a few steps, where the assignment MIP on the mix's types stalls on the
// symmetry of many slots.
import { cutFor, phaseOne, SLACK, type Run } from '../bounds/mix-pattern-lp.js';
import type { Pattern } from './pricing.js';
import { LP_TOL } from '../model/tolerance.js';

const DIVE_TRIES = 2; // patterns tried at each step of the dive before it backs up

/**
 * Instances for the models on `mix` (patterns, one per instance) by diving with backtracking:
 * the pattern LP on the mix converged, the pattern it uses most fixed, the rest solved again
 * (columns priced for what is left), the next one tried where the rest cannot be held.
 */
export function diveOnMix(run: Run, mix: number[]): Pattern[] | null {
  if (run.p.items.every((it) => it.demand <= 0)) return [];
  const out = cutFor(run, mix);
  if (out) return 'plan' in out ? out.plan : null;
  const lp = Date.now() < run.deadline ? phaseOne(run, mix) : null;
  if (!lp || lp.short > SLACK) return null;
  const ranked = lp.x.filter((e) => e.v > LP_TOL).sort((a, b) => b.v - a.v);
  for (const { c } of ranked.slice(0, DIVE_TRIES)) {
    const items = run.p.items.map((it, i) => ({ ...it, demand: Math.max(0, it.demand - (c.counts.get(i) ?? 0)) }));
    const rest = diveOnMix({ ...run, p: { ...run.p, items } }, mix.map((n, t) => (t === c.type ? n - 1 : n)));
    if (rest) return [c, ...rest];
    if (Date.now() >= run.deadline) break;
  }
  return null;
}

