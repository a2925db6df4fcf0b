// Solves a packing problem within a wall-clock limit: greedy plans and cheap bounds first (so a
// plan always exists), then column generation and price-and-branch in a worker thread that is
// terminated at the deadline. Returns the best plan, the best bound and whether it is optimal.
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { bestGreedy } from '../heuristics/greedy.js';
import { binElimination } from '../heuristics/bin-elimination.js';
import { oneDimensional, oneDimRound } from '../heuristics/one-dim-search.js';
import { vectorSearch, vectorView } from '../heuristics/vector-search.js';
import { restrictTypes, undominatedTypes } from '../model/dominance.js';
import { conflictBound, continuousBound, l2Bound, roundBound } from '../bounds/cheap-bounds.js';
import { fitsEmpty, solutionCost, violation, type Problem, type Solution } from '../model/problem.js';
import type { WorkerInput, WorkerMessage } from './solve-worker.js';
import { incumbentCell, shareIncumbent } from './shared-incumbent.js';
import { RUNNING_FROM_SOURCE, runtimeModulePath } from '../../paths.js';
import { EPS } from '../model/tolerance.js';

const LOCAL_SEARCH_SHARE = 0.5; // of the time limit, alongside the worker
const SINGLE_TYPE_SHARE = 0.5; // of the local search's time, for one-type plans first
const ROUND_MS = 800; // local search rounds, each with its own random choices
const CNS_SLICE_SHARE = 0.4; // 1-D: of the time limit (at least 1 s) for each consistent neighborhood search between bin-elimination rounds

export interface SolveOptions {
  timeLimitMs: number;
  /** Skip the GLPK worker (greedy and bounds only). */
  greedyOnly?: boolean;
  onProgress?: (e: { kind: 'bound' | 'solution'; value: number; method: string }) => void;
}

export interface SolveResult {
  solution: Solution;
  objectiveValue: number;
  lowerBound: number;
  optimal: boolean;
  gap: number; // (objective − bound) / objective
  seconds: number;
  method: string;
  timedOut: boolean;
  converged: boolean;
}

/** From dist/ the worker is plain JS; from sources (tsx) it registers tsx in the worker first. */
function startWorker(input: WorkerInput): Worker {
  const url = pathToFileURL(runtimeModulePath('pack/solve/solve-worker')).href;
  if (!RUNNING_FROM_SOURCE) return new Worker(new URL(url), { workerData: input });
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
  return new Worker(code, { eval: true, workerData: input });
}

/** Drops dominated instance types (same optimum, smaller model), solves, maps the plan back. */
export async function solvePacking(p: Problem, opts: SolveOptions): Promise<SolveResult> {
  const types = undominatedTypes(p);
  if (types.length === p.bins.length) return solveReduced(p, opts);
  const r = await solveReduced(restrictTypes(p, types), opts);
  const solution = { bins: r.solution.bins.map((b) => ({ ...b, type: types[b.type]! })) };
  const bad = violation(p, solution);
  if (bad) throw new Error(`solver produced an infeasible plan: ${bad}`);
  return { ...r, solution };
}

async function solveReduced(p: Problem, opts: SolveOptions): Promise<SolveResult> {
  const t0 = performance.now();
  const deadline = Date.now() + opts.timeLimitMs;
  let solution = bestGreedy(p);
  let cost = solutionCost(p, solution);
  let method = 'greedy (first-fit decreasing)';
  let lb = roundBound(p, Math.max(continuousBound(p), l2Bound(p), conflictBound(p)));
  let timedOut = false;
  let converged = false;
  const done = () => lb >= cost - EPS;
  const incumbent = incumbentCell();
  shareIncumbent(incumbent, cost);
  // the local search runs on this thread while the worker generates columns and bounds
  let seed = 1;
  const offer = (plan: Solution, how: string) => {
    const c = solutionCost(p, plan);
    if (c < cost - EPS && violation(p, plan) === null) {
      solution = plan;
      cost = c;
      method = how;
      shareIncumbent(incumbent, c);
      opts.onProgress?.({ kind: 'solution', value: c, method });
    }
  };
  // short rounds, each with a fresh random stream from the best plan so far: which run finds
  // the last bin is a matter of luck (78 models: 0.1 s with one seed, none in 4 s with another)
  const rounds = async (q: Problem, start: Solution, until: number, found: (s: Solution) => void) => {
    let best = start;
    while (!done() && Date.now() < until) {
      // stops at the bound, or as soon as the worker's plan or bound settles the question
      const next = await binElimination(q, best, Math.min(until, Date.now() + ROUND_MS), () => (done() ? Infinity : lb), seed++);
      if (solutionCost(q, next) < solutionCost(q, best) - EPS) found((best = next));
    }
  };
  const localSearch = (until: number) => rounds(p, solution, until, (s) => offer(s, 'greedy + bin-elimination local search'));
  // Several types: the mixed search trades instances of different prices and can stall one bin
  // above a one-type plan the count search finds at once (78 models: 20 × inf1.xlarge against 19),
  // so first give each type that holds every model alone a slice of the search on its own.
  const singleType = async (until: number) => {
    if (p.bins.length < 2) return;
    // only the types whose own bound leaves room below the best plan, the most promising first
    const alone = p.bins
      .map((_, t) => ({ t, q: restrictTypes(p, [t]) }))
      .filter(({ t }) => p.items.every((it) => fitsEmpty(p, it, t)))
      .map((x) => ({ ...x, lb: roundBound(x.q, Math.max(continuousBound(x.q), l2Bound(x.q))) }))
      .filter((x) => x.lb < cost - EPS)
      .sort((x, y) => x.lb - y.lb);
    for (const [n, { t, q, lb: own }] of alone.entries()) {
      const slice = Date.now() + (until - Date.now()) / (alone.length - n);
      const back = (s: Solution) => ({ bins: s.bins.map((b) => ({ ...b, type: t })) });
      // one processor per instance: the vector consistent search (500 models on inf1.xlarge
      // alone: 125 instances at once, where bin elimination stays at 126)
      const view = vectorView(q);
      const how = `${view ? 'vector consistent neighborhood search' : 'bin-elimination local search'} on ${p.bins[t]!.name} alone`;
      if (view) await vectorSearch(view, bestGreedy(q), slice, () => (done() ? Infinity : Math.ceil(own / q.bins[0]!.cost - EPS)), 1, (s) => offer(back(s), how));
      else await rounds(q, bestGreedy(q), slice, (s) => offer(back(s), how));
    }
  };
  const lsUntil = Date.now() + opts.timeLimitMs * LOCAL_SEARCH_SHARE;
  if (!done() && !opts.greedyOnly && Date.now() < deadline) {
    let worker: Worker | undefined;
    const finished = new Promise<void>((resolve, reject) => {
      const input: WorkerInput = { problem: p, start: solution, deadline, incumbent };
      const w = startWorker(input);
      worker = w;
      const timer = setTimeout(() => {
        timedOut = true;
        void w.terminate();
      }, Math.max(0, deadline - Date.now()) + 50);
      w.on('message', (m: WorkerMessage) => {
        if (m.kind === 'bound' && m.value > lb) {
          lb = m.value;
          opts.onProgress?.({ kind: 'bound', value: lb, method: m.method });
        } else if (m.kind === 'solution') {
          const c = solutionCost(p, m.solution);
          if (c < cost - EPS && violation(p, m.solution) === null) {
            solution = m.solution;
            cost = c;
            method = m.method;
            shareIncumbent(incumbent, c);
            opts.onProgress?.({ kind: 'solution', value: c, method: m.method });
          }
        } else if (m.kind === 'done') converged = m.converged;
        if (done()) void w.terminate();
      });
      w.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      w.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const oneDim = oneDimensional(p);
    const vector = oneDim ? null : vectorView(p);
    if (oneDim) {
      // one-dimensional: consistent neighborhood search, for the whole time the worker has; when
      // it stalls some bins short (large triplet sets), a round of bin elimination from its best
      // plan, then a fresh search from there
      const bins = () => (done() ? Infinity : Math.ceil(lb / p.bins[0]!.cost - EPS));
      for (let round = 1; !done() && Date.now() < deadline; round++) {
        await oneDimRound(oneDim, solution, Math.min(deadline, Date.now() + Math.max(1000, opts.timeLimitMs * CNS_SLICE_SHARE)), bins, (s, how = 'consistent neighborhood search') => offer(s, how), round);
        await localSearch(Math.min(deadline, Date.now() + ROUND_MS));
      }
    } else if (vector) {
      // vector packing on one type: the same alternation with the vector consistent search
      const bins = () => (done() ? Infinity : Math.ceil(lb / p.bins[0]!.cost - EPS));
      for (let round = 1; !done() && Date.now() < deadline; round++) {
        await vectorSearch(vector, solution, Math.min(deadline, Date.now() + Math.max(1000, opts.timeLimitMs * CNS_SLICE_SHARE)), bins, round, (s) => offer(s, 'vector consistent neighborhood search'));
        await localSearch(Math.min(deadline, Date.now() + ROUND_MS));
      }
    } else {
      await singleType(Date.now() + (lsUntil - Date.now()) * SINGLE_TYPE_SHARE);
      await localSearch(lsUntil);
    }
    if (done()) void worker?.terminate();
    await finished;
  }
  // time the worker left unused (it finished early, or was skipped) goes to more local search
  await localSearch(deadline);
  const bad = violation(p, solution);
  if (bad) throw new Error(`solver produced an infeasible plan: ${bad}`);
  lb = Math.min(lb, cost);
  const optimal = done();
  return {
    solution,
    objectiveValue: cost,
    lowerBound: lb,
    optimal,
    gap: cost > 0 ? Math.max(0, (cost - lb) / cost) : 0,
    seconds: (performance.now() - t0) / 1000,
    method,
    timedOut: timedOut && !optimal,
    converged,
  };
}
