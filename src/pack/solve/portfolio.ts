// The searches that run on the main thread while the worker (src/pack/solve/solve-worker.ts)
// computes bounds and exact plans. Each is a Strategy (src/pack/solve/strategy.ts): the solver
// runs the first that applies alongside the worker, then bin elimination in whatever time is left.
import { bestGreedy } from '../heuristics/greedy.js';
import { binElimination } from '../heuristics/bin-elimination.js';
import { oneDimensional, oneDimRound, oneDimSearch, type OneDimView } from '../heuristics/one-dim-search.js';
import { vectorSearch, vectorView, type VectorView } from '../heuristics/vector-search.js';
import { restrictTypes } from '../model/dominance.js';
import { continuousBound, l2Bound, roundBound } from '../bounds/cheap-bounds.js';
import { fitsEmpty, solutionCost, type Problem, type Solution } from '../model/problem.js';
import { EPS } from '../model/tolerance.js';
import type { SolveContext, Strategy } from './strategy.js';

const ROUND_MS = 800; // bin-elimination rounds, each with its own random choices
const CNS_SLICE_SHARE = 0.4; // of the time limit (at least 1 s) for each consistent search between bin-elimination rounds
const SINGLE_TYPE_SHARE = 0.5; // of the mixed strategy's time, for one-type plans first

/** The bound in instances of a one-type problem (Infinity once settled: nothing to search for). */
const instancesTarget = (ctx: SolveContext, q: Problem) => () => Math.ceil(ctx.target() / q.bins[0]!.cost - EPS);

/**
 * Bin elimination in short rounds from the best plan of `q` so far, each with a fresh random
 * stream: which run finds the last bin depends on its random choices far more than on its
 * length, so many short runs beat one long one. Stops at the bound, or as soon as the worker's
 * plan or bound settles it.
 */
export async function eliminationRounds(ctx: SolveContext, q: Problem, from: { start: Solution; until: number }, found: (s: Solution) => void): Promise<void> {
  const { until } = from;
  let best = from.start;
  while (!ctx.settled() && ctx.now() < until) {
    const next = await binElimination(q, best, { deadline: Math.min(until, ctx.now() + ROUND_MS), target: ctx.target, seed: ctx.nextSeed(), now: ctx.now });
    if (solutionCost(q, next) < solutionCost(q, best) - EPS) found((best = next));
  }
}

/** Bin elimination on the whole problem from the best plan, until `until`. */
export const binEliminationOnBest = (ctx: SolveContext, until = ctx.deadline) =>
  eliminationRounds(ctx, ctx.problem, { start: ctx.best(), until }, (s) => ctx.offer(s, 'greedy + bin-elimination local search'));

/**
 * Alternates a search made for the view (the slice of a round) with a round of bin elimination
 * from its best plan: each gets the other unstuck (large triplet sets stall the consistent search
 * some bins short; bin elimination's moves free them).
 */
async function alternate(ctx: SolveContext, search: (until: number, round: number) => Promise<void>): Promise<void> {
  for (let round = 1; !ctx.settled() && ctx.now() < ctx.deadline; round++) {
    await search(Math.min(ctx.deadline, ctx.now() + Math.max(1000, ctx.budgetMs * CNS_SLICE_SHARE)), round);
    await binEliminationOnBest(ctx, Math.min(ctx.deadline, ctx.now() + ROUND_MS));
  }
}

/** One type, one binding resource, no replicas: consistent neighborhood search with bin completion. */
export const oneDimensionalSearch: Strategy<OneDimView> = {
  name: 'one-dimensional consistent neighborhood search',
  applies: oneDimensional,
  run: (view, ctx) =>
    alternate(ctx, (until, round) => {
      const found = (s: Solution, how = 'consistent neighborhood search') => ctx.offer(s, how);
      const target = instancesTarget(ctx, ctx.problem);
      // bin completion is part of a round unless left out
      if (ctx.without.has('bin completion')) return oneDimSearch(view, ctx.best(), until, target, found, round);
      return oneDimRound(view, ctx.best(), until, target, found, round);
    }),
};

/** One type with one processor, several resources: the vector consistent search. */
export const vectorConsistentSearch: Strategy<VectorView> = {
  name: 'vector consistent neighborhood search',
  applies: vectorView,
  run: (view, ctx) =>
    alternate(ctx, (until, round) => vectorSearch(view, ctx.best(), { deadline: until, target: instancesTarget(ctx, ctx.problem), seed: round, now: ctx.now }, (s) => ctx.offer(s, 'vector consistent neighborhood search'))),
};

/**
 * Several types: the mixed search trades instances of different prices and can stall one bin
 * above a one-type plan the count search finds at once (78 models: 20 × inf1.xlarge against 19),
 * so each type that holds every model alone first gets a slice on its own, then bin elimination
 * works on the whole problem.
 */
export const mixedTypes: Strategy<Problem> = {
  name: 'one type at a time, then bin elimination over all types',
  // half the time: the other half goes to bin elimination from whatever plan the worker found
  share: 0.5,
  applies: (p) => p,
  run: async (p, ctx) => {
    await singleTypes(ctx, ctx.now() + (ctx.deadline - ctx.now()) * SINGLE_TYPE_SHARE);
    await binEliminationOnBest(ctx);
  },
};

async function singleTypes(ctx: SolveContext, until: number): Promise<void> {
  const p = ctx.problem;
  if (p.bins.length < 2) return;
  // only the types whose own bound leaves room below the best plan, the most promising first
  const cost = solutionCost(p, ctx.best());
  const alone = p.bins
    .map((_, t) => ({ t, q: restrictTypes(p, [t]) }))
    .filter(({ t }) => p.items.every((it) => fitsEmpty(p, it, t)))
    .map((x) => ({ ...x, lb: roundBound(x.q, Math.max(continuousBound(x.q), l2Bound(x.q))) }))
    .filter((x) => x.lb < cost - EPS)
    .sort((x, y) => x.lb - y.lb);
  for (const [n, { t, q, lb: own }] of alone.entries()) {
    const slice = ctx.now() + (until - ctx.now()) / (alone.length - n);
    const back = (s: Solution) => ({ bins: s.bins.map((b) => ({ ...b, type: t })) });
    // one processor per instance: the vector consistent search (500 models on inf1.xlarge
    // alone: 125 instances at once, where bin elimination stays at 126)
    const view = vectorView(q);
    const how = `${view ? 'vector consistent neighborhood search' : 'bin-elimination local search'} on ${p.bins[t]!.name} alone`;
    const target = () => (ctx.settled() ? Infinity : Math.ceil(own / q.bins[0]!.cost - EPS));
    if (view) await vectorSearch(view, bestGreedy(q), { deadline: slice, target, seed: 1, now: ctx.now }, (s) => ctx.offer(back(s), how));
    else await eliminationRounds(ctx, q, { start: bestGreedy(q), until: slice }, (s) => ctx.offer(back(s), how));
  }
}

/** What runs alongside the worker: the first that applies. */
export const PORTFOLIO: ReadonlyArray<Strategy<unknown>> = [oneDimensionalSearch, vectorConsistentSearch, mixedTypes];
