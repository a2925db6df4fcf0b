// --objective count: among plans with the same number of instances, the cheaper types are used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cheapestEqualCount } from '../../src/pack/heuristics/count-tie-break.js';
import type { Problem } from '../../src/pack/model/problem.js';

const bins = [
  { name: 'inf1.6xlarge', family: 'inf1', price: 1.18, cost: 1, procs: 4, procCap: [8, 83], instCap: [48, 24] },
  { name: 'inf1.2xlarge', family: 'inf1', price: 0.362, cost: 1, procs: 1, procCap: [8, 83], instCap: [16, 8] },
];
const item = (proc: number[]) => ({ models: [{ name: 'm' }], demand: 1, maxPerBin: 1, sizes: [{ proc, inst: [1, 1] }, { proc, inst: [1, 1] }] });

test('count ties are broken by price: an instance moves to the cheapest type that holds its models', () => {
  const p: Problem = { objective: 'count', bins, items: [item([3, 30]), item([3, 30])] };
  const s = cheapestEqualCount(p, { bins: [{ type: 0, procs: [[0], [1], [], []] }] });
  assert.deepEqual(s.bins, [{ type: 1, procs: [[0, 1]] }]);
});

test('models that need the bigger type stay on it, and the cost objective is left alone', () => {
  const p: Problem = { objective: 'count', bins, items: [item([6, 50]), item([6, 50])] };
  const big = { bins: [{ type: 0, procs: [[0], [1], [], []] }] };
  assert.deepEqual(cheapestEqualCount(p, big), big);
  const cost: Problem = { ...p, objective: 'cost', items: [item([1, 1]), item([1, 1])] };
  assert.deepEqual(cheapestEqualCount(cost, big), big);
});
