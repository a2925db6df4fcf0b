// The solver worker: glpk.js solves synchronously, so the bounds and exact plans run here, as the
// ordered steps of src/pack/solve/worker-steps.ts, and report bounds and plans as they find them;
// the main thread enforces the time limit by terminating this worker and keeps the best plan.
import { parentPort, workerData } from 'node:worker_threads';
import GLPK from 'glpk.js/node';
import { solutionCost, type Problem, type Solution } from '../model/problem.js';
import { readIncumbent } from './shared-incumbent.js';
import { runSteps, workerContext } from './worker-step.js';
import { WORKER_STEPS } from './worker-steps.js';

export interface WorkerInput {
  problem: Problem;
  start: Solution;
  deadline: number;
  /** The main thread's best cost (src/pack/solve/shared-incumbent.ts). */
  incumbent: SharedArrayBuffer;
  /** Steps and methods left out (src/pack/solve/worker-step.ts). */
  without: string[];
}

export type WorkerMessage =
  | { kind: 'bound'; value: number; method: string }
  | { kind: 'solution'; solution: Solution; method: string }
  | { kind: 'done'; converged: boolean; columns: number };

const { problem, start, deadline, incumbent, without } = workerData as WorkerInput;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
// the target is the best cost known: this worker's plans, or the main thread's (its local search
// often finds the plan first; a bound that reaches it proves that plan optimal)
const ctx = workerContext(
  { problem, g: await GLPK(), start, deadline, now: () => Date.now(), without: new Set(without) },
  { shared: () => readIncumbent(incumbent), post, cost: (s) => solutionCost(problem, s) },
);
await runSteps(WORKER_STEPS, ctx);
post({ kind: 'done', ...ctx.colgen });
