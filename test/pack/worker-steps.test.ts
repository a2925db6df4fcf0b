import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSteps, workerContext, type WorkerContext, type WorkerStep } from '../../src/pack/solve/worker-step.js';
import { WORKER_STEPS } from '../../src/pack/solve/worker-steps.js';
import { parseBpp } from '../../bench/bpplib-instances.js';
import type { GLPK } from 'glpk.js/node';
import type { Problem, Solution } from '../../src/pack/model/problem.js';

const p = parseBpp('4\n100\n60\n50\n40\n30\n');
const plan = (n: number): Solution => ({ bins: Array.from({ length: n }, () => ({ type: 0, procs: [[0]] })) });

/** A context on a clock the test moves, posting into `posted`; the shared incumbent is `shared`. */
function fakeContext(opts: { shared?: number; without?: string[] } = {}) {
  const clock = { t: 0 };
  const posted: Array<{ kind: string; value?: number; method: string }> = [];
  const ctx = workerContext(
    { problem: p, g: {} as GLPK, start: plan(4), deadline: 1000, now: () => clock.t, without: new Set(opts.without) },
    { shared: () => opts.shared ?? Infinity, post: (m) => posted.push(m.kind === 'bound' ? m : { kind: m.kind, method: m.method }), cost: (s) => s.bins.length },
  );
  return { ctx, clock, posted };
}

const step = (name: string, run: (ctx: WorkerContext) => void, applies = true): WorkerStep<Problem> => ({ name, applies: (q) => (applies ? q : null), run: (_, ctx) => run(ctx) });

test('worker steps run in order, skip those that do not apply or are left out, and stop once the bound reaches the target', async () => {
  const { ctx, posted } = fakeContext({ without: ['left out'] });
  const ran: string[] = [];
  await runSteps([
    step('first', () => ran.push('first')),
    step('not applicable', () => ran.push('not applicable'), false),
    step('left out', () => ran.push('left out')),
    step('plan of 3', (c) => (ran.push('plan of 3'), c.offerPlan(plan(3), 'test plan'))),
    step('bound 3', (c) => (ran.push('bound 3'), c.offerBound(3, 'test bound'))),
    step('after the proof', () => ran.push('after the proof')),
  ], ctx);
  assert.deepEqual(ran, ['first', 'plan of 3', 'bound 3']);
  assert.equal(ctx.target(), 3);
  assert.equal(ctx.settled(), true);
  assert.deepEqual(posted.map((m) => m.method), ['test plan', 'test bound']);
});

test('the worker context reads the main thread\'s incumbent as its target and stops at the deadline', async () => {
  const { ctx, clock } = fakeContext({ shared: 2 });
  assert.equal(ctx.target(), 2, 'the shared incumbent is below the start plan');
  ctx.offerBound(1, 'weak');
  ctx.offerBound(0.5, 'weaker: reported, but the best bound stays');
  assert.equal(ctx.bound(), 1);
  assert.equal(ctx.settled(), false);
  const ran: string[] = [];
  clock.t = 1000;
  assert.equal(ctx.left(), 0);
  await runSteps([step('late', () => ran.push('late'))], ctx);
  assert.deepEqual(ran, [], 'no time left: nothing runs');
});

test('which worker steps apply: one type gets no instance-mix steps; three types get them', () => {
  const names = (q: Problem) => WORKER_STEPS.filter((s) => s.applies(q) !== null).map((s) => s.name);
  assert.deepEqual(names(p), ['column generation, price-and-branch, diving', 'assignment MIP']);
  const three: Problem = { ...p, bins: [0, 1, 2].map((k) => ({ ...p.bins[0]!, name: `b${k}`, cost: 1 + k })), items: p.items.map((it) => ({ ...it, sizes: [0, 1, 2].map(() => it.sizes[0]!) })) };
  assert.deepEqual(names(three), ['instance-mix LP bound', 'instance-mix MIP with knapsack cuts', 'column generation, price-and-branch, diving', 'assignment MIP']);
});
