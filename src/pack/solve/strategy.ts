// The one contract every search strategy of the solver follows. A strategy says whether it can
// work on a problem by returning the view it works on (one-dimensional copies, vector copies,
// the problem itself) or null; `run` then improves plans until the context says stop. Strategies
// never keep the best plan themselves: they offer plans to the context, which checks each one,
// keeps the cheapest and tells the caller (so a strategy cannot make the answer worse).
import type { Problem, Solution } from '../model/problem.js';

export interface SolveContext {
  problem: Problem;
  /** Clock value (`now`) to stop at (the strategy's budget; the solver may give it a slice). */
  deadline: number;
  /** The whole solve's time limit, for strategies that cut their time into slices of it. */
  budgetMs: number;
  /** The clock the budget is measured on. */
  now: () => number;
  /** A fresh seed for a seeded random stream (src/seeded-random.ts): each call, the next one. */
  nextSeed: () => number;
  /** The best lower bound so far: a plan costing this much is optimal. Infinity once settled. */
  target: () => number;
  /** The best plan so far (what a strategy should start from). */
  best: () => Solution;
  /** A plan found; the context keeps it when it is valid and cheaper than the best. */
  offer: (plan: Solution, method: string) => void;
  /** Whether the best plan has reached the bound (nothing left to search for). */
  settled: () => boolean;
  /** Methods left out by name (bench/pack.ts --without measures what each adds); empty in `pack`. */
  without: ReadonlySet<string>;
}

export interface Strategy<V> {
  /** What the strategy is, for the README and for progress messages. */
  name: string;
  /** Share of the time limit it runs alongside the worker (default all; bin elimination gets the rest). */
  share?: number;
  /** The view of `problem` this strategy works on, or null when it does not apply. */
  applies(problem: Problem): V | null;
  run(view: V, ctx: SolveContext): Promise<void>;
}

/** A strategy bound to the view it accepted: what the solver schedules. */
export interface Applied {
  name: string;
  share: number;
  run(ctx: SolveContext): Promise<void>;
}

/** The first strategy of `portfolio` that applies to `p`, bound to its view. */
export function firstApplicable(portfolio: ReadonlyArray<Strategy<unknown>>, p: Problem, without: ReadonlySet<string> = new Set()): Applied | null {
  for (const s of portfolio) {
    if (without.has(s.name)) continue;
    const view = s.applies(p);
    if (view !== null) return { name: s.name, share: s.share ?? 1, run: (ctx) => s.run(view, ctx) };
  }
  return null;
}
