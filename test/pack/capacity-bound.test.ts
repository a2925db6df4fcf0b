import { test } from 'node:test';
import assert from 'node:assert/strict';
import GLPK from 'glpk.js/node';
import { buildProblem } from '../../src/pack/model/build-problem.js';
import { loadDefaultCatalog } from '../../src/pack/model/catalog-load.js';
import { capacityBound, mixesBetween, mixHolds } from '../../src/pack/bounds/capacity-bound.js';
import { restrictTypes, undominatedTypes } from '../../src/pack/model/dominance.js';
import type { ModelProfiles } from '../../src/formats/profiles.js';
import type { Problem } from '../../src/pack/model/problem.js';

const GB = 1e9;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** bench/pack.ts's case (b): 78 models, random memory and utilization on inf1 and g4dn. */
function models78(seed: number): ModelProfiles {
  const r = rng(seed);
  const step = (lo: number, hi: number, q: number) => Math.round((lo + r() * (hi - lo)) / q) * q;
  return {
    apiVersion: 'mlserve/v1',
    kind: 'ModelProfiles',
    models: Array.from({ length: 78 }, (_, i) => {
      const mem = step(0.2, 3.0, 0.1);
      const util = step(2, 40, 1);
      const g4dn = { memory: (Math.round(mem * 1.3 * 10) / 10) * GB, util: Math.max(1, Math.round(util * 0.8)) };
      return { name: `m${i}`, replicas: 1, resources: { inf1: { memory: Math.round(mem * GB), util }, g4dn } };
    }),
  };
}

async function problem78(seed: number) {
  const catalog = await loadDefaultCatalog();
  const types = ['inf1.xlarge', 'inf1.2xlarge', 'inf1.6xlarge', 'g4dn.xlarge', 'g4dn.12xlarge'];
  const p = buildProblem({ catalog, instanceTypes: types, maxMemory: 7.4 * GB, maxUtil: 83, objective: 'cost', profiles: models78(seed) });
  const q = restrictTypes(p, undominatedTypes(p));
  assert.deepEqual(q.bins.map((b) => b.name), ['inf1.xlarge', 'g4dn.xlarge']);
  return q;
}

test('mixesBetween lists every mix of instance types costing within the range, cheapest first', () => {
  const mixes = mixesBetween([228, 526], 4910, 5016)!;
  const costs = mixes.map(([a, b]) => a! * 228 + b! * 526);
  const expected: number[] = [];
  for (let a = 0; a * 228 < 5016; a++) for (let b = 0; a * 228 + b * 526 < 5016; b++) if (a * 228 + b * 526 >= 4910) expected.push(a * 228 + b * 526);
  assert.deepEqual(costs, expected.sort((x, y) => x - y));
  assert.ok(costs.includes(4910) && costs.includes(4998));
  assert.equal(mixesBetween([1, 2], 0, 10_000, 100), null, 'too many mixes: no answer');
});

test('the instance-mix bound proves 22 × inf1.xlarge optimal where the pattern LP stops at $4.91', async () => {
  const g = await GLPK();
  const p = await problem78(2);
  // 22 inf1.xlarge hold the models (the count case packs them so); no cheaper mix can
  assert.equal(mixHolds(g, p, [22, 0]), true);
  assert.equal(mixHolds(g, p, [19, 1]), false, '19 + 1 g4dn lack processor utilization');
  assert.equal(capacityBound(g, p, 4.91, 5.016, Date.now() + 10_000), 5.016);
});

test('the instance-mix bound never exceeds the cost of a plan that exists', async () => {
  const g = await GLPK();
  const p = await problem78(1);
  // 19 × inf1.xlarge ($4.332) is a plan for seed 1, so the bound must stay at or below it
  const b = capacityBound(g, p, 3.5, 4.56, Date.now() + 10_000);
  assert.ok(b <= 4.332 + 1e-9 && b >= 3.5, `bound ${b}`);
  assert.equal(capacityBound(g, p, 3.5, 4.56, Date.now() - 1), 3.5, 'past the deadline: the bound given');
});

test('a free instance type makes the mix bound give up (it could be bought without limit)', async () => {
  const g = await GLPK();
  const bin = (name: string, price: number) => ({ name, family: 'x', price, cost: price, procs: 1, procCap: [10], instCap: [] });
  const size = { proc: [6], inst: [] };
  const p: Problem = { objective: 'cost', bins: [bin('free', 0), bin('paid', 1)], items: [{ models: [{ name: 'a' }], demand: 3, maxPerBin: 1, sizes: [size, size] }] };
  assert.equal(capacityBound(g, p, 0.5, 3, Date.now() + 10_000), 0.5);
  // without the free type, three models of 6 need 1.8 instances' capacity: the cheapest mix is 2
  const paid = { ...p, bins: [bin('paid', 1)], items: [{ ...p.items[0]!, sizes: [size] }] };
  assert.equal(capacityBound(g, paid, 0.5, 3, Date.now() + 10_000), 2);
});
