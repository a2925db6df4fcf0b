// The worker's last step (src/pack/solve/worker-step.ts): the exact assignment MIP that closes
// what column generation leaves, where it is small enough for GLPK to finish. A proof ends the
// solve: the plan it found (or the incumbent, when none cheaper exists) is optimal. (Arc-flow, the
// 1-D exact MIP that used to follow column generation, proved and found nothing the other methods
// did not on any benchmark set: src/pack/README.md, "Why several methods".)
import { ASSIGNMENT_MAX_VARS, assignmentSize, solveAssignment } from '../exact/assignment.js';
import { solutionCost, type Problem } from '../model/problem.js';
import type { WorkerStep } from './worker-step.js';

const MIN_LEFT_MS = 500; // less time than this left: GLPK would not finish the model

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
