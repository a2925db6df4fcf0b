// The contract of the solver worker's steps (src/pack/solve/worker-steps.ts): the GLPK side of
// the solve, the worker-thread counterpart of a Strategy (src/pack/solve/strategy.ts). A step says
// whether it applies to a problem (the view it works on, or null) and runs with a context that
// holds the clock, the deadline, the best bound so far, the best known plan's cost (the target:
// the worker's plans and the main thread's, read through the shared incumbent) and where to offer
// bounds and plans. Steps run one after the other, in list order, until the bound reaches the
// target; each step keeps its own time shares (of `left()`), so the worker's top level has none.
import type { GLPK } from 'glpk.js/node';
import type { Problem, Solution } from '../model/problem.js';
import { EPS } from '../model/tolerance.js';

export interface WorkerContext {
  problem: Problem;
  g: GLPK;
  /** The plan the main thread started from (column generation seeds its columns with it). */
  start: Solution;
  /** Clock value to stop at; `now` is the clock. */
  deadline: number;
  now: () => number;
  /** Milliseconds left until the deadline. */
  left: () => number;
  /** The best known plan's cost: a bound that reaches it proves that plan optimal. */
  target: () => number;
  /** The best bound offered so far. */
  bound: () => number;
  offerBound: (value: number, method: string) => void;
  offerPlan: (plan: Solution, method: string) => void;
  /** Whether the bound has reached the target (nothing left to prove or find). */
  settled: () => boolean;
  /** Steps and methods left out by name (bench/pack.ts --without); empty in `pack`. */
  without: ReadonlySet<string>;
  /** What column generation reports back to the main thread. */
  colgen: { converged: boolean; columns: number };
}

export interface WorkerStep<V> {
  name: string;
  applies(problem: Problem): V | null;
  run(view: V, ctx: WorkerContext): Promise<void> | void;
}

/** Runs the steps that apply, in order, until the bound reaches the target. */
export async function runSteps(steps: ReadonlyArray<WorkerStep<unknown>>, ctx: WorkerContext): Promise<void> {
  for (const step of steps) {
    if (ctx.settled() || ctx.left() <= 0) return;
    if (ctx.without.has(step.name)) continue;
    const view = step.applies(ctx.problem);
    if (view !== null) await step.run(view, ctx);
  }
}

/** The context's bookkeeping: the best bound, the worker's own best cost and the target. */
export function workerContext(base: Omit<WorkerContext, 'left' | 'target' | 'bound' | 'offerBound' | 'offerPlan' | 'settled' | 'colgen'>, io: { shared: () => number; post: (m: { kind: 'bound'; value: number; method: string } | { kind: 'solution'; solution: Solution; method: string }) => void; cost: (s: Solution) => number }): WorkerContext {
  let own = io.cost(base.start);
  let bound = 0;
  const target = () => Math.min(own, io.shared());
  return {
    ...base,
    left: () => base.deadline - base.now(),
    target,
    bound: () => bound,
    offerBound: (value, method) => {
      bound = Math.max(bound, value);
      io.post({ kind: 'bound', value, method });
    },
    offerPlan: (solution, method) => {
      own = Math.min(own, io.cost(solution));
      io.post({ kind: 'solution', solution, method });
    },
    settled: () => bound >= target() - EPS,
    colgen: { converged: false, columns: 0 },
  };
}
