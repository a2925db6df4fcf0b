// What the solver worker (src/pack/solve/solve-worker.ts) runs, in order: each step applies or
// not to the problem (src/pack/solve/worker-step.ts) and runs until the bound reaches the best
// plan. To add a step: write it against WorkerStep and put it here where it should run.
import { columnGenerationStep } from './colgen-step.js';
import { assignmentStep } from './closing-steps.js';
import { mixCutsStep, mixLpStep } from './mix-steps.js';
import type { WorkerStep } from './worker-step.js';

export const WORKER_STEPS: ReadonlyArray<WorkerStep<unknown>> = [
  mixLpStep, // several types: the instance-mix LP bound (the fast bound on a whole catalog)
  mixCutsStep, // three types or more: the instance-mix MIP with knapsack cuts, and a plan on its mix
  columnGenerationStep, // pattern LP bound, mix bound again, 1-D rounding, price-and-branch, diving
  assignmentStep, // small problems: the assignment MIP to a proof
];
