// mlserve pack --spot through the built CLI: a plan that passes the independent spot checker, and
// bad spot flags refused with their codes before anything is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { readPlan } from '../../src/formats/plan.js';
import { writeProfiles, type ModelProfiles } from '../../src/formats/profiles.js';
import { loadDefaultCatalog } from '../../src/pack/model/catalog-load.js';
import { writeYamlFile } from '../../src/formats/yaml-file.js';
import { checkSpotPlan } from './spot-checker.js';

const GB = 1e9;
const caps = ['--max-mem', '7.4GB', '--max-util', '83'];

const profiles: ModelProfiles = {
  apiVersion: 'mlserve/v1',
  kind: 'ModelProfiles',
  models: [
    ...Array.from({ length: 40 }, (_, i) => ({
      name: `bert-${i}`,
      archive: `model_store/bert-${i}.mar`,
      replicas: i === 0 ? 3 : 1,
      resources: { inf1: { memory: 0.3 * GB, util: 3.4, hostMemory: 0.66 * GB }, g4dn: { memory: 0.41 * GB, util: 4.1, hostMemory: 0.66 * GB } },
    })),
    { name: 'resnet', replicas: 1, resources: { inf1: { memory: 2.5 * GB, util: 40 }, g4dn: { memory: 3 * GB, util: 30 } } },
  ],
};

test('pack --spot: a cheaper plan that survives any one spot pool, checked independently', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mls-pack-spot-'));
  try {
    await writeProfiles(join(dir, 'profiles.yaml'), profiles);
    const out = join(dir, 'plan.yaml');
    const r = await runCli(['pack', '--profiles', join(dir, 'profiles.yaml'), ...caps, '--spot', '--survive', '1', '--spot-max-share', '0.7', '--time-limit', '6s', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const plan = await readPlan(out);
    assert.ok(plan.spot, 'the plan has its spot summary');
    assert.ok(plan.totals.costPerHour < plan.spot.onDemandOnlyCostPerHour!, `${plan.totals.costPerHour} vs on-demand ${plan.spot.onDemandOnlyCostPerHour}`);
    assert.ok(plan.instances.every((i) => i.market === 'spot' || i.market === 'on-demand'));
    assert.deepEqual(checkSpotPlan(plan, profiles, await loadDefaultCatalog(), { memory: 7.4 * GB, util: 83 }, { survive: 1, maxShare: 0.7 }), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('pack --spot refuses bad spot flags with codes, writing nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mls-pack-spot-'));
  try {
    const good = join(dir, 'profiles.yaml');
    await writeProfiles(good, profiles);
    const cases = [
      { args: ['--spot', '--spot-max-share', '1.5'], code: 2, err: 'MLS_ERR_USAGE' },
      { args: ['--spot', '--survive', '0'], code: 2, err: 'MLS_ERR_USAGE' },
      { args: ['--spot', '--survive', '3'], code: 2, err: 'MLS_ERR_PACK_SPOT_ZONES' },
      { args: ['--spot', '--objective', 'count'], code: 2, err: 'MLS_ERR_USAGE' },
      { args: ['--spot', '--instance-types', 'c5.large'], code: 3, err: 'MLS_ERR_PACK_MODEL_TOO_LARGE' },
    ];
    const results = await Promise.all(cases.map((c, n) => runCli(['pack', '--profiles', good, ...caps, ...c.args, '--out', join(dir, `plan-${n}.yaml`), '--json'])));
    results.forEach((r, n) => {
      const c = cases[n]!;
      assert.equal(r.code, c.code, `${c.err}: ${r.stderr}`);
      assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, c.err);
    });
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('plan')), [], 'no plan written');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('pack --spot --catalog: pasted spot prices and zones override the defaults', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mls-pack-spot-'));
  try {
    await writeProfiles(join(dir, 'profiles.yaml'), profiles);
    const catalog = join(dir, 'catalog.yaml');
    await writeYamlFile(catalog, {
      apiVersion: 'mlserve/v1',
      kind: 'InstanceCatalog',
      spot: { zones: ['eu-west-1a', 'eu-west-1b'] },
      instanceTypes: {
        'inf1.xlarge': { family: 'inf1', processors: 1, processorMemory: '8GB', hostMemory: '8GiB', reservedHostMemory: '1GB', vcpus: 4, pricePerHour: 0.228, spot: { pricePerHour: 0.0312, interruption: '10-15%' } },
      },
    });
    const out = join(dir, 'plan.yaml');
    const r = await runCli(['pack', '--profiles', join(dir, 'profiles.yaml'), ...caps, '--catalog', catalog, '--instance-types', 'inf1.xlarge', '--spot', '--time-limit', '4s', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const plan = await readPlan(out);
    const spot = plan.instances.filter((i) => i.market === 'spot');
    assert.ok(spot.length > 0);
    for (const i of spot) {
      assert.equal(i.pricePerHour, 0.0312);
      assert.equal(i.interruption, '10-15%');
      assert.ok(['eu-west-1a', 'eu-west-1b'].includes(i.zone!), i.zone);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
