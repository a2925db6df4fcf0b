// Column generation as a worker step (src/pack/solve/worker-step.ts): the pattern LP's bound
// (Farley's while columns are missing), the instance-mix bound refined from it, then integer
// plans over the generated columns (price-and-branch, diving). On one-dimensional problems the
// converged root LP also feeds a reduced-cost plan and LP rounding: this thread's core there,
// while the main thread searches the whole problem.
import { columnGeneration, type ColgenOptions, type DiveTo, type RootLp } from '../exact/column-generation.js';
import { roundBound } from '../bounds/cheap-bounds.js';
import { arcflowApplies } from '../exact/arcflow.js';
import { ASSIGNMENT_MAX_VARS, assignmentSize } from '../exact/assignment.js';
import { lpResidualSearch } from '../exact/lp-rounding.js';
import { reducedCostPlan } from '../exact/reduced-cost-plan.js';
import { oneDimensional } from '../heuristics/one-dim-search.js';
import type { Problem } from '../model/problem.js';
import { EPS } from '../model/tolerance.js';
import { refineMixBound } from './mix-steps.js';
import type { WorkerContext, WorkerStep } from './worker-step.js';

const RESIDUAL_SHARE = 0.8; // of the time left after the root LP, for 1-D rounding

/**
 * Price-and-branch's and diving's shares of the time left. One type, one integer dimension and a
 * small arc-flow graph (BPPLIB-like 1-D): 0.4 and no diving, leaving the worker's CPU to the main
 * thread's 1-D search (the setting measured with and without arc-flow, src/pack/README.md).
 * Problems small enough for the assignment MIP leave it most of the time; the others spend it
 * all here.
 */
function shares(ctx: WorkerContext): Pick<ColgenOptions, 'mipShare' | 'diveShare'> {
  if (arcflowApplies(ctx.problem)) return { mipShare: 0.4, diveShare: 0 };
  if (assignmentSize(ctx.problem, ctx.target()) <= ASSIGNMENT_MAX_VARS) return { mipShare: 0.2, diveShare: 0.2 };
  return { mipShare: 0.5, diveShare: 1 };
}

/**
 * One dimension, on the converged root LP: a plan at ⌈LP⌉ among the bins whose reduced costs fit
 * in the LP gap (or the proof that none exists, one more bin then), then rounding the LP's whole
 * patterns and searching what they leave.
 */
const roundRoot = (ctx: WorkerContext) => async (root: RootLp, dive: DiveTo) => {
  const { g, problem } = ctx;
  const unit = problem.bins[0]!.cost;
  const instances = () => Math.round(ctx.target() / unit);
  const lpBound = Math.ceil(ctx.bound() / unit - EPS);
  const until = ctx.now() + ctx.left() * RESIDUAL_SHARE;
  if (instances() > lpBound && !ctx.without.has('reduced-cost search')) {
    const rc = reducedCostPlan(g, problem, root.duals, lpBound, until);
    if (rc.kind === 'plan') ctx.offerPlan(rc.solution, 'reduced-cost search');
    if (rc.kind === 'none') ctx.offerBound((lpBound + 1) * unit, `reduced-cost search (no plan of ${lpBound} in ${rc.patterns} bins within the LP gap)`);
  }
  const target = Math.ceil(ctx.bound() / unit - EPS); // one more where the search proved lpBound impossible
  if (instances() > target && !ctx.without.has('LP rounding')) await lpResidualSearch(problem, root, dive, target, until, instances, (s) => ctx.offerPlan(s, 'LP rounding + consistent neighborhood search'));
};

export const columnGenerationStep: WorkerStep<Problem> = {
  name: 'column generation, price-and-branch, diving',
  applies: (p) => p,
  run: async (p, ctx) => {
    const r = await columnGeneration(ctx.g, p, ctx.start, {
      deadline: ctx.deadline,
      target: ctx.target,
      roundBound: (lb) => roundBound(p, lb),
      refineBound: (lb) => refineMixBound(ctx, lb),
      afterRoot: oneDimensional(p) ? roundRoot(ctx) : undefined,
      ...shares(ctx),
    }, { bound: ctx.offerBound, solution: ctx.offerPlan });
    ctx.colgen.converged = r.converged;
    ctx.colgen.columns = r.columns;
  },
};
