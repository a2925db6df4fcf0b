import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binCompletion } from '../../src/pack/heuristics/bin-completion.js';
import { parseBpp } from '../../bench/bpplib-instances.js';
import { solvePacking } from '../../src/pack/solve/solver.js';
import { violation } from '../../src/pack/model/problem.js';
import { rng } from './triplets.js';
import { stepClock } from './step-clock.js';

/**
 * Weights that fill `bins` bins of `cap` exactly, in the manner of the AI instances (Delorme,
 * Iori & Martello): most bins one item over half the capacity and two small ones, one bin of
 * many small items; shuffled.
 */
function exactWeights(bins: number, cap: number, seed: number): number[] {
  const r = rng(seed);
  const w: number[] = [];
  for (let b = 0; b < bins - 1; b++) {
    const big = Math.floor(cap * (0.55 + r() * 0.35));
    const a = 1 + Math.floor(r() * (cap - big - 1));
    w.push(big, a, cap - big - a);
  }
  for (let left = cap; left > 0; ) {
    const x = Math.min(left, 1 + Math.floor(r() * cap * 0.15));
    w.push(x);
    left -= x;
  }
  for (let i = w.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [w[i], w[j]] = [w[j]!, w[i]!];
  }
  return w;
}

/** Every item exactly once, no bin over capacity. */
function assertValid(w: number[], cap: number, bins: number[][]): void {
  assert.deepEqual(bins.flat().sort((a, b) => a - b), w.map((_, i) => i));
  for (const b of bins) assert.ok(b.reduce((s, i) => s + w[i]!, 0) <= cap, `bin ${b.map((i) => w[i]).join('+')} over ${cap}`);
}

test('bin completion fills every bin exactly where the weights sum to bins × capacity, deterministically per seed', async () => {
  const cap = 7552;
  for (const seed of [1, 2, 3]) {
    const w = exactWeights(40, cap, seed);
    assert.equal(w.reduce((a, b) => a + b, 0), 40 * cap);
    const run = () => binCompletion(w, cap, 40, { deadline: 10_000, now: stepClock(), seed: 5 });
    const a = await run();
    assert.ok(a?.complete, `seed ${seed}: a plan of 40 bins`);
    assert.equal(a.bins.length, 40);
    assertValid(w, cap, a.bins);
    for (const b of a.bins) assert.equal(b.reduce((s, i) => s + w[i]!, 0), cap, 'with no slack every bin is full');
    assert.deepEqual((await run())?.bins, a.bins);
  }
});

test('bin completion uses the slack: a plan at the bound when the weights leave a little room', async () => {
  const cap = 1000;
  const exact = exactWeights(30, cap, 8);
  // shave 25 units off some items: 25 units of room in 30 bins
  const w = exact.map((x, i) => (i < 5 && x > 10 ? x - 5 : x));
  const r = await binCompletion(w, cap, 30, { deadline: 10_000, now: stepClock(), seed: 1 });
  assert.ok(r?.complete);
  assert.equal(r.bins.length, 30);
  assertValid(w, cap, r.bins);
});

test('bin completion: null when the weights exceed the bins, and every item in bins when no plan is found', async () => {
  assert.equal(await binCompletion([60, 60, 60], 100, 1, { deadline: 100, now: stepClock(), seed: 1 }), null);
  assert.equal(await binCompletion([120], 100, 2, { deadline: 100, now: stepClock(), seed: 1 }), null);
  // three items over half the bin fit 2 bins by weight, but need 3
  const w = [60, 60, 60, 10, 10];
  const r = await binCompletion(w, 100, 2, { deadline: 200, now: stepClock(), seed: 1 });
  assert.equal(r?.complete, false);
  assert.equal(r.bins.length, 3);
  assertValid(w, 100, r.bins);
});

test('bin completion works on the grid of the weights (bytes in megabytes) and declines weights it cannot grid', async () => {
  const MB = 1_000_000;
  const w = exactWeights(20, 1000, 3).map((x) => x * MB);
  const r = await binCompletion(w, 1000 * MB, 20, { deadline: 5000, now: stepClock(), seed: 1 });
  assert.ok(r?.complete);
  assertValid(w, 1000 * MB, r.bins);
  // a capacity of 7.4 GB with weights sharing no unit: far too many sums to track
  assert.equal(await binCompletion([3_700_000_001, 3_699_999_999], 7_400_000_000, 1, { deadline: 100, now: stepClock(), seed: 1 }), null);
  assert.equal(await binCompletion([0.5, 0.5], 1, 1, { deadline: 100, now: stepClock(), seed: 1 }), null);
});

test('the solver reaches the bound on an AI-style instance (every bin full) and proves it', async () => {
  const cap = 7552;
  const w = exactWeights(40, cap, 4);
  const p = parseBpp(`${w.length}\n${cap}\n${w.join('\n')}\n`, 'ai');
  const r = await solvePacking(p, { timeLimitMs: 10_000 });
  assert.equal(violation(p, r.solution), null);
  assert.equal(r.objectiveValue, 40);
  assert.equal(r.optimal, true);
  assert.equal(r.lowerBound, 40, 'the bound proves it: the continuous bound, every bin full');
});
