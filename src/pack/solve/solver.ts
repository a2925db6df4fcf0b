// Solves a packing problem within a wall-clock limit: greedy plans and cheap bounds first (so a
// plan always exists), then column generation and price-and-branch in a worker thread that is
// terminated at the deadline. Returns the best plan, the best bound and whether it is optimal.
import { Worker } from 'node:worker_threads';
import { MlsError } from '../../errors.js';
import { pathToFileURL } from 'node:url';
import { bestGreedy } from '../heuristics/greedy.js';
import { restrictTypes, undominatedTypes } from '../model/dominance.js';
import { binEliminationOnBest, PORTFOLIO } from './portfolio.js';
import { firstApplicable, type SolveContext } from './strategy.js';
import { conflictBound, continuousBound, l2Bound, roundBound } from '../bounds/cheap-bounds.js';
import { solutionCost, violation, type Problem, type Solution } from '../model/problem.js';
import type { WorkerInput, WorkerMessage } from './solve-worker.js';
import { incumbentCell, shareIncumbent } from './shared-incumbent.js';
import { RUNNING_FROM_SOURCE, runtimeModulePath } from '../../paths.js';
import { EPS } from '../model/tolerance.js';

export interface SolveOptions {
  timeLimitMs: number;
  /** Skip the GLPK worker (greedy and bounds only). */
  greedyOnly?: boolean;
  onProgress?: (e: { kind: 'bound' | 'solution'; value: number; method: string }) => void;
  /**
   * Strategies, worker steps and methods to leave out, by name: for measuring what each adds
   * (bench/pack.ts --without). A solve without them is still valid, only weaker.
   */
  without?: string[];
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
  if (bad) throw new MlsError('MLS_ERR_PACK_SOLVER', { infeasiblePlan: { violation: bad } });
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
  // the strategies run on this thread while the worker generates columns and bounds
  let seed = 1;
  const without = new Set(opts.without);
  const context = (until: number): SolveContext => ({
    problem: p,
    deadline: until,
    budgetMs: opts.timeLimitMs,
    now: () => Date.now(),
    nextSeed: () => seed++,
    target: () => (done() ? Infinity : lb),
    best: () => solution,
    offer,
    settled: done,
    without,
  });
  const strategy = firstApplicable(PORTFOLIO, p, without);
  if (!done() && !opts.greedyOnly && Date.now() < deadline) {
    let worker: Worker | undefined;
    const finished = new Promise<void>((resolve, reject) => {
      const input: WorkerInput = { problem: p, start: solution, deadline, incumbent, without: [...without] };
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
        } else if (m.kind === 'solution') offer(m.solution, m.method);
        else if (m.kind === 'done') converged = m.converged;
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
    if (strategy) await strategy.run(context(Math.min(deadline, Date.now() + opts.timeLimitMs * strategy.share)));
    if (done()) void worker?.terminate();
    await finished;
  }
  // time the worker left unused (it finished early, or was skipped) goes to more local search
  await binEliminationOnBest(context(deadline));
  const bad = violation(p, solution);
  if (bad) throw new MlsError('MLS_ERR_PACK_SOLVER', { infeasiblePlan: { violation: bad } });
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
