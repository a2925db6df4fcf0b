// Worker steps (src/pack/solve/worker-step.ts) on the instance-mix model: which mixes of instance
// types can hold the fleet at all (src/pack/bounds/mix-mip.ts, capacity-bound.ts). On whole
// catalogs its LP is the fast bound (under a second, where column generation may need a minute to
// reach as much), and its MIP closes the steps in the cost of instance mixes that the pattern LP
// stops short of. One type: the continuous bound says as much, so these apply from two types on.
import { continuousBound, roundBound } from '../bounds/cheap-bounds.js';
import { capacityBound } from '../bounds/capacity-bound.js';
import { mixLpBound } from '../bounds/mix-mip.js';
import { mixCutStep } from '../bounds/mix-cuts.js';
import { planOnMix } from '../exact/mix-plan.js';
import type { Problem } from '../model/problem.js';
import { EPS } from '../model/tolerance.js';
import type { WorkerContext, WorkerStep } from './worker-step.js';

const MIX_SHARE = 0.3; // of the time left, for the instance-mix bound after column generation's root LP
const MIX_PLAN_SHARE = 0.1; // of the time left, for a plan on the mix's types
const CUT_SHARE = 0.6; // of the time, before column generation (which may not converge in time)

/**
 * The instance-mix MIP bound from `lb`, in `share` of the time left; when the mix it finds is
 * below the best plan, a plan on that mix's types at the bound's cost (which is then optimal).
 * Returns the bound.
 */
export function refineMixBound(ctx: WorkerContext, lb: number, share = MIX_SHARE): number {
  const { g, problem } = ctx;
  if (problem.bins.length < 2) return lb;
  let mix: number[] | null = null;
  const mixBound = capacityBound(g, problem, Math.max(lb, roundBound(problem, continuousBound(problem))), ctx.target(), ctx.now() + ctx.left() * share, (m) => (mix = m));
  if (mixBound > ctx.bound() + EPS) ctx.offerBound(mixBound, 'instance-mix bound');
  if (mix && mixBound < ctx.target() - EPS) {
    const plan = planOnMix(g, problem, mix, mixBound, (ctx.left() * MIX_PLAN_SHARE) / 1000);
    if (plan) ctx.offerPlan(plan, 'assignment MIP on the instance-mix bound\'s types');
  }
  return mixBound;
}

const severalTypes = (n: number) => (p: Problem) => (p.bins.length >= n ? p : null);

/** The instance-mix LP bound, first: it is the fast bound on a whole catalog. */
export const mixLpStep: WorkerStep<Problem> = {
  name: 'instance-mix LP bound',
  applies: severalTypes(2),
  run: (p, ctx) => {
    const lb = roundBound(p, mixLpBound(ctx.g, p));
    if (lb > ctx.bound()) ctx.offerBound(lb, 'instance-mix LP bound');
  },
};

/**
 * On three types or more (a whole catalog), before column generation: the mix MIP tightened by
 * knapsack cuts (src/pack/bounds/mix-cuts.ts), which proves whole-catalog fleets where the plain
 * mix MIP accepts mixes that hold the models only if they could be split; its plan on the mix
 * found comes from a dive on that mix's pattern LP.
 */
export const mixCutsStep: WorkerStep<Problem> = {
  name: 'instance-mix MIP with knapsack cuts',
  applies: severalTypes(3),
  run: (p, ctx) =>
    mixCutStep(ctx.g, p, { lb: Math.max(ctx.bound(), roundBound(p, continuousBound(p))), incumbent: ctx.target, deadline: ctx.now() + ctx.left() * CUT_SHARE }, { bound: ctx.offerBound, solution: ctx.offerPlan }),
};
