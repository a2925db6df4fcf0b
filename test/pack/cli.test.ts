import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { readPlan } from '../../src/formats/plan.js';
import { writeProfiles, type ModelProfiles } from '../../src/formats/profiles.js';
import { loadDefaultCatalog } from '../../src/pack/model/catalog-load.js';
import { checkPlan } from './checker.js';

const GB = 1e9;

function profiles(extra: ModelProfiles['models'] = []): ModelProfiles {
  return {
    apiVersion: 'mlserve/v1',
    kind: 'ModelProfiles',
    models: [
      ...Array.from({ length: 30 }, (_, i) => ({
        name: `bert-${i}`,
        archive: `model_store/bert-${i}.mar`,
        replicas: i === 0 ? 2 : 1,
        resources: { inf1: { memory: 0.3 * GB, util: 3.4, hostMemory: 0.66 * GB }, g4dn: { memory: 0.41 * GB, util: 4.1, hostMemory: 0.66 * GB } },
        latency: { p50Ms: 21, p90Ms: 24.3 },
      })),
      { name: 'resnet', replicas: 1, resources: { inf1: { memory: 2.5 * GB, util: 40 }, g4dn: { memory: 3 * GB, util: 30, estimated: true } } },
      ...extra,
    ],
  };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mls-pack-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('pack reads trace-format profiles.yaml, writes a feasible plan, an SVG and --json', async () => {
  await withDir(async (dir) => {
    const prof = profiles();
    await writeProfiles(join(dir, 'profiles.yaml'), prof);
    const out = join(dir, 'plan.yaml');
    const svg = join(dir, 'plan.svg');
    const r = await runCli(['pack', '--profiles', join(dir, 'profiles.yaml'), '--max-mem', '7.4GB', '--max-util', '83', '--time-limit', '10s', '--out', out, '--svg', svg, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { ok: boolean; plan: { totals: { models: number }; solver: { optimal: boolean } } };
    assert.equal(json.ok, true);
    assert.equal(json.plan.totals.models, 32);
    const plan = await readPlan(out);
    assert.deepEqual(checkPlan(plan, prof, await loadDefaultCatalog(), { memory: 7.4 * GB, util: 83 }), []);
    assert.ok(plan.solver.lowerBound <= plan.solver.objectiveValue);
    for (const i of plan.instances) for (const s of i.servers) for (const m of s.models) if (m.name.startsWith('bert')) assert.match(m.archive ?? '', /model_store\/bert-\d+\.mar/);
    const pic = await readFile(svg, 'utf8');
    assert.match(pic, /^<svg /);
    assert.match(pic, /resnet/);
    // the terminal table
    const t = await runCli(['pack', '--profiles', join(dir, 'profiles.yaml'), '--max-mem', '7.4GiB', '--max-util', '83%', '--objective', 'count', '--instance-types', 'inf1.xlarge,inf1.6xlarge', '--out', out]);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /instance\s+type/);
    assert.match(t.stdout, /lower bound/);
    assert.ok((await readPlan(out)).instances.every((i) => i.type.startsWith('inf1')));
  });
});

test('bad input: coded errors naming the model or type, exit codes, nothing written', async () => {
  await withDir(async (dir) => {
    const good = join(dir, 'good.yaml');
    await writeProfiles(good, profiles());
    const huge = join(dir, 'huge.yaml');
    await writeProfiles(huge, profiles([{ name: 'giant', replicas: 1, resources: { inf1: { memory: 9 * GB, util: 10 } } }]));
    const malformed = join(dir, 'malformed.yaml');
    await writeFile(malformed, 'apiVersion: mlserve/v1\nkind: ModelProfiles\nmodels:\n  - name: a\n    resources:\n      inf1: { memory: lots, util: 3 }\n');
    const caps = ['--max-mem', '7.4GB', '--max-util', '83'];
    const cases: Array<{ args: string[]; code: number; err: string; names?: string }> = [
      { args: ['--profiles', huge, ...caps], code: 3, err: 'MLS_ERR_PACK_MODEL_TOO_LARGE', names: 'giant' },
      { args: ['--profiles', good, ...caps, '--instance-types', 'inf1.xlarge,p9.huge'], code: 2, err: 'MLS_ERR_PACK_UNKNOWN_INSTANCE_TYPE', names: 'p9.huge' },
      { args: ['--profiles', good, ...caps, '--instance-types', ','], code: 2, err: 'MLS_ERR_PACK_NO_INSTANCE_TYPES' },
      { args: ['--profiles', good, '--max-mem', '9GB', '--instance-types', 'inf1.xlarge'], code: 2, err: 'MLS_ERR_PACK_CAP_ABOVE_CAPACITY', names: 'inf1.xlarge' },
      { args: ['--profiles', malformed, ...caps], code: 3, err: 'MLS_ERR_INVALID_FILE_FORMAT', names: 'models.0.resources.inf1.memory' },
      { args: ['--profiles', good, '--max-mem', '7.4'], code: 2, err: 'MLS_ERR_INVALID_UNIT' },
      { args: ['--profiles', good, '--max-util', '120'], code: 2, err: 'MLS_ERR_INVALID_UNIT' },
      { args: ['--profiles', join(dir, 'missing.yaml'), ...caps], code: 4, err: 'MLS_ERR_FILE_NOT_FOUND' },
    ];
    const results = await Promise.all(cases.map((c, n) => runCli(['pack', ...c.args, '--out', join(dir, `plan-${n}.yaml`), '--svg', join(dir, `plan-${n}.svg`), '--json'])));
    results.forEach((r, n) => {
      const c = cases[n]!;
      assert.equal(r.code, c.code, `${c.err}: ${r.stderr}`);
      const body = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; message: string } };
      assert.equal(body.error.code, c.err);
      if (c.names) assert.ok(body.error.message.includes(c.names), body.error.message);
    });
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('plan')), [], 'no plan or svg written');
  });
});
