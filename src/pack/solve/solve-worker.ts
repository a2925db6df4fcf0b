// The solver worker: glpk.js solves synchronously, so column generation and the MIPs run here
// and report bounds and plans as they find them; the main thread enforces the time limit by
// terminating this worker and keeps the best plan reported.
import { parentPort, workerData } from 'node:worker_threads';
import GLPK from 'glpk.js/node';
import { columnGeneration, type DiveTo, type RootLp } from '../exact/column-generation.js';
import { continuousBound, roundBound } from '../bounds/cheap-bounds.js';
import { capacityBound } from '../bounds/capacity-bound.js';
import { mixLpBound } from '../bounds/mix-mip.js';
import { mixCutStep } from '../bounds/mix-cuts.js';
import { planOnMix } from '../exact/mix-plan.js';
import { arcflowApplies, solveArcflow } from '../exact/arcflow.js';
import { ASSIGNMENT_MAX_VARS, assignmentSize, solveAssignment } from '../exact/assignment.js';
import { solutionCost, type Problem, type Solution } from '../model/problem.js';
import { readIncumbent } from './shared-incumbent.js';
import { oneDimensional } from '../heuristics/one-dim-search.js';
import { lpResidualSearch } from '../exact/lp-rounding.js';
import { reducedCostPlan } from '../exact/reduced-cost-plan.js';
import { EPS } from '../model/tolerance.js';

export interface WorkerInput {
  problem: Problem;
  start: Solution;
  deadline: number;
  /** The main thread's best cost (src/pack/solve/shared-incumbent.ts). */
  incumbent: SharedArrayBuffer;
}


export type WorkerMessage =
  | { kind: 'bound'; value: number; method: string }
  | { kind: 'solution'; solution: Solution; method: string }
  | { kind: 'done'; converged: boolean; columns: number };

const RESIDUAL_SHARE = 0.8; // of the time left after the root LP, for 1-D rounding
const { problem, start, deadline, incumbent } = workerData as WorkerInput;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
const g = await GLPK();
// the best cost known: this worker's plans, or the main thread's (its local search often finds
// the plan first; a bound that reaches it proves that plan optimal)
let own = solutionCost(problem, start);
const best = () => Math.min(own, readIncumbent(incumbent));
let bound = 0;
const events = {
  bound: (value: number, method: string) => {
    bound = Math.max(bound, value);
    post({ kind: 'bound', value, method });
  },
  solution: (solution: Solution, method: string) => {
    own = Math.min(own, solutionCost(problem, solution));
    post({ kind: 'solution', solution, method });
  },
};
// small enough for the assignment MIP: leave it most of the time after column generation
const small = () => assignmentSize(problem, best()) <= ASSIGNMENT_MAX_VARS;
// time shares: exact 1-D problems keep most for arc-flow, small ones for the assignment MIP
const arcflow = arcflowApplies(problem);
const shares = arcflow ? { mipShare: 0.4, diveShare: 0 } : small() ? { mipShare: 0.2, diveShare: 0.2 } : { mipShare: 0.5, diveShare: 1 };
// the pattern LP can stop short of a step in the cost of instance mixes: check the mixes
// (one type: the continuous bound says as much)
const MIX_SHARE = 0.3; // of the time left, for the instance-mix bound after the root LP
const MIX_PLAN_SHARE = 0.1; // of the time left, for a plan on the mix's types
const CUT_SHARE = 0.6; // of the time, before column generation (which may not converge in time)
const refineBound = (lb: number, share = MIX_SHARE) => {
  if (problem.bins.length < 2) return lb;
  const until = Date.now() + (deadline - Date.now()) * share;
  let mix: number[] | null = null;
  const mixBound = capacityBound(g, problem, Math.max(lb, roundBound(problem, continuousBound(problem))), best(), until, (m) => (mix = m));
  if (mixBound > bound + EPS) events.bound(mixBound, 'instance-mix bound');
  // a plan on that mix's types at the bound's cost is optimal
  if (mix && mixBound < best() - EPS) {
    const plan = planOnMix(g, problem, mix, mixBound, (deadline - Date.now()) * MIX_PLAN_SHARE / 1000);
    if (plan) events.solution(plan, 'assignment MIP on the instance-mix bound\'s types');
  }
  return mixBound;
};
// one dimension: the converged LP's whole patterns and a search on what they leave (this
// thread's core, while the main thread searches the whole problem)
const unit = problem.bins[0]!.cost;
const afterRoot = oneDimensional(problem)
  ? async (root: RootLp, dive: DiveTo) => {
      const lpBound = Math.ceil(bound / unit - EPS);
      const until = Date.now() + (deadline - Date.now()) * RESIDUAL_SHARE;
      if (Math.round(best() / unit) > lpBound) {
        const rc = reducedCostPlan(g, problem, root.duals, lpBound, until);
        if (rc.kind === 'plan') events.solution(rc.solution, 'reduced-cost search');
        if (rc.kind === 'none') events.bound((lpBound + 1) * unit, `reduced-cost search (no plan of ${lpBound} in ${rc.patterns} bins within the LP gap)`);
      }
      const target = Math.ceil(bound / unit - EPS); // one more where the search proved lpBound impossible
      if (Math.round(best() / unit) > target) await lpResidualSearch(problem, root, dive, target, until, () => Math.round(best() / unit), (s) => events.solution(s, 'LP rounding + consistent neighborhood search'));
    }
  : undefined;
// several types: the mix model's LP first (under a second, where column generation on a whole
// catalog may need a minute to reach as much), then on a whole catalog the mix MIP from it
const mixLp = problem.bins.length > 1 ? roundBound(problem, mixLpBound(g, problem)) : 0;
if (mixLp > bound) events.bound(mixLp, 'instance-mix LP bound');
// (the mix MIP with knapsack cuts, src/pack/bounds/mix-cuts.ts: the proofs on whole catalogs)
if (problem.bins.length > 2) mixCutStep(g, problem, { lb: Math.max(mixLp, roundBound(problem, continuousBound(problem))), incumbent: best, deadline: Date.now() + (deadline - Date.now()) * CUT_SHARE }, events);
const r = await columnGeneration(g, problem, start, { deadline, target: best, roundBound: (lb) => roundBound(problem, lb), refineBound, afterRoot, ...shares }, events);
if (bound < best() - EPS && deadline - Date.now() > 500 && arcflow) {
  const out = solveArcflow(g, problem, (deadline - Date.now()) / 1000);
  if (out) {
    events.solution(out.solution, 'arc-flow MIP');
    if (out.proven) events.bound(solutionCost(problem, out.solution), 'arc-flow MIP');
  }
}
while (bound < best() - EPS && small() && deadline - Date.now() > 500) {
  const cap = best();
  const out = solveAssignment(g, problem, cap, (deadline - Date.now()) / 1000);
  if (out.kind === 'better') {
    events.solution(out.solution, 'assignment MIP');
    if (out.proven) events.bound(solutionCost(problem, out.solution), 'assignment MIP');
  } else {
    if (out.proven) events.bound(cap, 'assignment MIP (no cheaper plan exists)');
    break;
  }
}
post({ kind: 'done', converged: r.converged, columns: r.columns });
