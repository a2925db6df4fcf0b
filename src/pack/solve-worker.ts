// The solver worker: glpk.js solves synchronously, so column generation and the MIPs run here
// and report bounds and plans as they find them; the main thread enforces the time limit by
// terminating this worker and keeps the best plan reported.
import { parentPort, workerData } from 'node:worker_threads';
import GLPK from 'glpk.js/node';
import { columnGeneration } from './colgen.js';
import { roundBound } from './bounds.js';
import { solutionCost, type Problem, type Solution } from './problem.js';

export interface WorkerInput {
  problem: Problem;
  start: Solution;
  deadline: number;
}

export type WorkerMessage =
  | { kind: 'bound'; value: number; method: string }
  | { kind: 'solution'; solution: Solution; method: string }
  | { kind: 'done'; converged: boolean; columns: number };

const { problem, start, deadline } = workerData as WorkerInput;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
const g = await GLPK();
let best = solutionCost(problem, start);
const r = columnGeneration(
  g,
  problem,
  start,
  { deadline, target: () => best, roundBound: (lb) => roundBound(problem, lb) },
  {
    bound: (value, method) => post({ kind: 'bound', value, method }),
    solution: (solution, method) => {
      best = Math.min(best, solutionCost(problem, solution));
      post({ kind: 'solution', solution, method });
    },
  },
);
post({ kind: 'done', converged: r.converged, columns: r.columns });
