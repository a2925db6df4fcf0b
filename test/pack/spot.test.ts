import { test } from 'node:test';
import assert from 'node:assert/strict';
import GLPK from 'glpk.js/node';
import { buildProblem } from '../../src/pack/model/build-problem.js';
import { buildPlan } from '../../src/pack/plan-build.js';
import { annotateSpotPlan } from '../../src/pack/spot/spot-plan.js';
import { spotSetup } from '../../src/pack/spot/spot-setup.js';
import { solveSpot } from '../../src/pack/spot/spot-solve.js';
import { spotBound, spotContinuousBound, nextReachableCost } from '../../src/pack/spot/spot-bound.js';
import { spotProblem, splitByZone } from '../../src/pack/spot/spot-problem.js';
import { violation } from '../../src/pack/model/problem.js';
import { lcg } from '../../src/seeded-random.js';
import type { Catalog } from '../../src/formats/catalog.js';
import type { ModelProfiles } from '../../src/formats/profiles.js';
import { checkSpotPlan } from './spot-checker.js';
import { bruteForceSpot } from './spot-brute-force.js';

const GB = 1e9;
const caps = { memory: 7.4 * GB, util: 83 };

const catalog: Catalog = {
  apiVersion: 'mlserve/v1',
  kind: 'InstanceCatalog',
  families: {},
  spot: { zones: ['za', 'zb', 'zc'] },
  instanceTypes: {
    small: { family: 'acc', processors: 1, processorMemory: 8 * GB, hostMemory: 8 * GB, vcpus: 4, pricePerHour: 0.3, spot: { pricePerHour: 0.1, interruption: '<5%' } },
    duo: { family: 'acc', processors: 2, processorMemory: 8 * GB, hostMemory: 12 * GB, vcpus: 8, pricePerHour: 0.55, spot: { pricePerHour: 0.21, interruption: '5-10%', zones: ['za', 'zb'] } },
    gpu: { family: 'gpu', processors: 1, processorMemory: 16 * GB, hostMemory: 16 * GB, vcpus: 4, pricePerHour: 0.5 },
  },
};

function randomProfiles(n: number, seed: number): ModelProfiles {
  const r = lcg(seed);
  return {
    apiVersion: 'mlserve/v1',
    kind: 'ModelProfiles',
    models: Array.from({ length: n }, (_, i) => ({
      name: `m${i}`,
      replicas: 1,
      resources: {
        acc: { memory: Math.round(1 + r() * 4) * GB, util: Math.round(5 + r() * 50), hostMemory: Math.round(r() * 3) * GB },
        ...(r() < 0.5 ? { gpu: { memory: Math.round(2 + r() * 8) * GB, util: Math.round(5 + r() * 40) } } : {}),
      },
    })),
  };
}

async function spotPlanOf(profiles: ModelProfiles, rule: { survive: number; maxShare: number }, limitMs = 3000) {
  const p = buildProblem({ profiles, catalog, maxMemory: caps.memory, maxUtil: caps.util, objective: 'cost' });
  const set = spotSetup(p, catalog, rule);
  const s = await solveSpot(set, limitMs);
  assert.equal(violation(s.chosen.problem, s.result.solution), null);
  const plan = annotateSpotPlan(buildPlan(s.chosen.problem, s.result, { maxMemory: caps.memory, maxUtil: caps.util, timeLimitMs: limitMs }), set, s);
  assert.deepEqual(checkSpotPlan(plan, profiles, catalog, caps, rule), [], 'the plan passes the independent spot checker');
  return { set, s, plan };
}

test('spot bound and plans against brute force on small cases (survive 1 and 2, share caps)', async () => {
  const rules = [
    { survive: 1, maxShare: 1 },
    { survive: 1, maxShare: 0.7 },
    { survive: 1, maxShare: 0.35 },
    { survive: 2, maxShare: 0.8 },
  ];
  let proved = 0;
  let cases = 0;
  for (let seed = 1; seed <= 6; seed++) {
    const profiles = randomProfiles(seed % 2 ? 3 : 4, seed);
    for (const rule of rules.slice(seed % 2, seed % 2 + 3)) {
      const { s, set } = await spotPlanOf(profiles, rule, 2000);
      const best = bruteForceSpot(profiles, catalog, caps, rule);
      const cost = s.result.objectiveValue;
      const what = `seed ${seed} survive ${rule.survive} share ${rule.maxShare}`;
      assert.ok(s.bound.value <= best + 1e-9, `bound ${s.bound.value} above the optimum ${best} (${what})`);
      const cheap = spotContinuousBound(set).value;
      assert.ok(cheap <= best + 1e-9, `per-dimension bound ${cheap} above the optimum ${best} (${what})`);
      assert.ok(cost >= best - 1e-9, `plan ${cost} below the brute-force optimum ${best} (${what}): the brute force or the checker is wrong`);
      if (s.result.optimal) assert.ok(Math.abs(cost - best) < 1e-9, `claimed optimal at ${cost}, optimum ${best} (${what})`);
      proved += s.result.optimal ? 1 : 0;
      cases++;
    }
  }
  assert.ok(proved >= cases / 2, `proved ${proved} of ${cases}`);
});

test('the pool checker catches a plan that loses a model with one pool', async () => {
  const profiles = randomProfiles(4, 11);
  const rule = { survive: 1, maxShare: 1 };
  const { plan } = await spotPlanOf(profiles, rule, 1500);
  const spot = plan.instances.filter((i) => i.market === 'spot');
  assert.ok(spot.length >= 2, 'with no share cap the models go spot');
  // move every spot instance into one zone: two copies of a model now share a pool
  const broken = { ...plan, instances: plan.instances.map((i) => (i.market === 'spot' ? { ...i, zone: 'za', pool: `${i.type}/za` } : i)) };
  assert.ok(checkSpotPlan(broken, profiles, catalog, caps, rule).some((e) => e.includes('no replica left')));
});

test('3,000 identical models: spot-aware plan proven optimal, below the on-demand lower bound', async () => {
  const resources = { acc: { memory: 0.3 * GB, util: 3.4, hostMemory: 0.5 * GB } };
  const profiles: ModelProfiles = { apiVersion: 'mlserve/v1', kind: 'ModelProfiles', models: Array.from({ length: 3000 }, (_, i) => ({ name: `bert-${i}`, replicas: 1, resources })) };
  const rule = { survive: 1, maxShare: 0.7 };
  const { s, plan } = await spotPlanOf(profiles, rule, 20_000);
  // below the on-demand lower bound: cheaper than any on-demand plan (proven or not in the time)
  assert.ok(s.result.objectiveValue < s.onDemandOnly.lowerBound * 0.85, `${s.result.objectiveValue} vs on-demand bound ${s.onDemandOnly.lowerBound}`);
  assert.equal(s.result.optimal, true, `gap to the spot bound: ${s.result.objectiveValue} vs ${s.result.lowerBound}`);
  assert.ok(plan.spot!.share <= 0.7 + 1e-9);
  assert.ok(plan.spot!.expectedCostPerHour > plan.totals.costPerHour, 'interruptions cost something');
  assert.equal(plan.spot!.addedReplicas, plan.spot!.spotModels);
});

test('zone split: whole instances per zone, never two copies of a model in one zone', () => {
  const resources = { acc: { memory: 0.3 * GB, util: 3.4, hostMemory: 0.5 * GB } };
  const profiles: ModelProfiles = { apiVersion: 'mlserve/v1', kind: 'ModelProfiles', models: Array.from({ length: 100 }, (_, i) => ({ name: `b${i}`, replicas: 1, resources })) };
  const p = buildProblem({ profiles, catalog, instanceTypes: ['small'], maxMemory: caps.memory, maxUtil: caps.util, objective: 'cost' });
  const set = spotSetup(p, catalog, { survive: 1, maxShare: 1 });
  const split = splitByZone(set, 0, 90);
  assert.deepEqual([...split.values()].reduce((a, b) => a + b, 0), 180);
  for (const d of split.values()) assert.ok(d <= 90);
  const sp = spotProblem(set, [90]);
  const names = new Map<string, Set<string>>();
  sp.problem.items.forEach((it, i) => {
    const zone = sp.bins[it.sizes.findIndex((x) => x !== null)]!.zone;
    if (!zone) return;
    for (const m of it.models) {
      const seen = names.get(zone) ?? new Set<string>();
      assert.ok(!seen.has(m.name), `${m.name} twice in ${zone} (item ${i})`);
      names.set(zone, seen.add(m.name));
    }
  });
  assert.equal(sp.spotModels, 90);
});

test('bound: rounding to reachable costs is exact with 4-decimal spot prices', async () => {
  assert.equal(nextReachableCost([0.1086, 0.362], 0.2), 0.2172);
  assert.equal(nextReachableCost([0.1086, 0.362], 0.3621), 0.4344);
  const p = buildProblem({ profiles: randomProfiles(3, 5), catalog, maxMemory: caps.memory, maxUtil: caps.util, objective: 'cost' });
  const b = spotBound(await GLPK(), spotSetup(p, catalog, { survive: 1, maxShare: 0 }));
  assert.equal(b.spotModels.every((u) => u === 0), true, 'share 0: nothing all-spot');
});

test('refusals: count objective, too few zones, no spot offers', () => {
  const p = buildProblem({ profiles: randomProfiles(3, 1), catalog, maxMemory: caps.memory, maxUtil: caps.util, objective: 'cost' });
  assert.throws(() => spotSetup({ ...p, objective: 'count' }, catalog, { survive: 1, maxShare: 0.7 }), { code: 'MLS_ERR_USAGE' });
  assert.throws(() => spotSetup(p, catalog, { survive: 3, maxShare: 0.7 }), { code: 'MLS_ERR_PACK_SPOT_ZONES' });
  const noSpot: Catalog = { ...catalog, instanceTypes: { gpu: catalog.instanceTypes['gpu']! } };
  const q = buildProblem({ profiles: { ...randomProfiles(2, 3), models: [{ name: 'g', replicas: 1, resources: { gpu: { memory: GB, util: 5 } } }] }, catalog: noSpot, maxUtil: 83, objective: 'cost' });
  assert.throws(() => spotSetup(q, noSpot, { survive: 1, maxShare: 0.7 }), { code: 'MLS_ERR_PACK_NO_SPOT_OFFER' });
});
