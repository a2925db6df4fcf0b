// The worker's last steps (src/pack/solve/worker-step.ts): exact MIPs that close what column
// generation leaves, where they are small enough for GLPK to finish. A proof from either ends the
// solve: the plan it found (or the incumbent, when none cheaper exists) is optimal.
import { arcflowApplies, solveArcflow } from '../exact/arcflow.js';
import { ASSIGNMENT_MAX_VARS, assignmentSize, solveAssignment } from '../exact/assignment.js';
import { solutionCost, type Problem } from '../model/problem.js';
import type { WorkerStep } from './worker-step.js';

const MIN_LEFT_MS = 500; // less time than this left: GLPK would not finish the model

/** One type, one integer dimension, a small graph: the arc-flow MIP, exact where price-and-branch stalls. */
export const arcflowStep: WorkerStep<Problem> = {
  name: 'arc-flow MIP',
  applies: (p) => (arcflowApplies(p) ? p : null),
  run: (p, ctx) => {
    if (ctx.left() <= MIN_LEFT_MS) return;
    const out = solveArcflow(ctx.g, p, ctx.left() / 1000);
    if (!out) return;
    ctx.offerPlan(out.solution, 'arc-flow MIP');
    if (out.proven) ctx.offerBound(solutionCost(p, out.solution), 'arc-flow MIP');
  },
};

/**
 * Small problems: the assignment MIP capped below the best plan, again after each plan it finds,
 * until it proves none cheaper exists. Whether the model is small depends on the best plan (its
 * cost caps the instance slots), so the step checks its size before every solve.
 */
export const assignmentStep: WorkerStep<Problem> = {
  name: 'assignment MIP',
  applies: (p) => p,
  run: (p, ctx) => {
    while (!ctx.settled() && assignmentSize(p, ctx.target()) <= ASSIGNMENT_MAX_VARS && ctx.left() > MIN_LEFT_MS) {
      const cap = ctx.target();
      const out = solveAssignment(ctx.g, p, cap, ctx.left() / 1000);
      if (out.kind === 'none-better') {
        if (out.proven) ctx.offerBound(cap, 'assignment MIP (no cheaper plan exists)');
        return;
      }
      ctx.offerPlan(out.solution, 'assignment MIP');
      if (out.proven) ctx.offerBound(solutionCost(p, out.solution), 'assignment MIP');
    }
  },
};
