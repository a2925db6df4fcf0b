// deploy --runtime kubernetes of pack --spot plans: a real spot plan from pack, rendered offline,
// every object schema-validated; spot servers pinned to spot nodes of their pool, on-demand ones
// to on-demand nodes; one disruption budget per group of servers sharing models; and, read back
// from the rendered Deployments alone, losing any one zone's spot servers leaves every model served.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { deploy } from '../../src/deploy/deploy.js';
import { validateObject } from '../../src/deploy/k8s-validate.js';
import { silentLogger } from '../../src/log.js';
import { TEMPLATES_DIR } from '../../src/paths.js';
import { runPack } from '../../src/pack/pack.js';
import { writeYamlFile } from '../../src/formats/yaml-file.js';
import { readPlan } from '../../src/formats/plan.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const GB = 1e9;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlserve-deploy-spot-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadObjects(out: string): Promise<Obj[]> {
  const objs: Obj[] = [];
  for (const f of (await readdir(join(out, 'kubernetes'))).sort()) yaml.loadAll(await readFile(join(out, 'kubernetes', f), 'utf8'), (d) => objs.push(d as Obj));
  return objs;
}

test('kubernetes: a pack --spot plan renders spot/on-demand node affinity, zone pins, tolerations, spread constraints and disruption budgets', async () => {
  // 60 small models on inf1 (default catalog, its spot prices): some all-spot, some on-demand (share cap 0.6)
  const models = Array.from({ length: 60 }, (_, i) => ({ name: `m${i}`, archive: `model_store/m${i}.mar`, replicas: 1, resources: { inf1: { memory: 0.6 * GB, util: 7, hostMemory: 0.5 * GB } } }));
  const profiles = join(dir, 'profiles.yaml');
  await writeYamlFile(profiles, { apiVersion: 'mlserve/v1', kind: 'ModelProfiles', models });
  const planPath = join(dir, 'plan.yaml');
  await runPack({ profiles, instanceTypes: ['inf1.xlarge', 'inf1.2xlarge'], maxMemory: 7.4 * GB, maxUtil: 83, objective: 'cost', timeLimitMs: 4000, out: planPath, spot: { survive: 1, maxShare: 0.6 } });
  const plan = await readPlan(planPath);
  assert.ok(plan.spot && plan.spot.spotModels > 0 && plan.spot.spotModels < 60, `a mix of markets (${plan.spot?.spotModels} all-spot)`);
  assert.ok(plan.totals.costPerHour < plan.spot.onDemandOnlyCostPerHour!, 'cheaper than on-demand only');

  const out = join(dir, 'out');
  await deploy({ runtime: 'kubernetes', dryRun: true, namespace: 'models', templatesDir: TEMPLATES_DIR, dockerNetwork: 'bridge', readyTimeoutMs: 10_000, logger: silentLogger, planPath, outDir: out, archiveUrl: 'https://models.example.com/store' });
  const objs = await loadObjects(out);
  for (const o of objs) assert.deepEqual(await validateObject(o), [], `${o.kind}/${o.metadata?.name}`);

  const deployments = objs.filter((o) => o.kind === 'Deployment');
  const market = (d: Obj) => d.spec.template.metadata.labels['mlserve.dev/capacity-type'] as string;
  const terms = (d: Obj) => d.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms as Obj[];
  const zoneOf = (d: Obj) => (terms(d)[0]!.matchExpressions as Obj[]).find((e) => e.key === 'topology.kubernetes.io/zone')?.values[0] as string | undefined;
  for (const d of deployments) {
    const spot = market(d) === 'spot';
    const t = terms(d);
    assert.deepEqual(t.map((x) => x.matchExpressions[0].key), ['karpenter.sh/capacity-type', 'eks.amazonaws.com/capacityType']);
    assert.deepEqual(t.map((x) => x.matchExpressions[0].values[0]), spot ? ['spot', 'SPOT'] : ['on-demand', 'ON_DEMAND']);
    const tolerations = (d.spec.template.spec.tolerations ?? []) as Obj[];
    assert.equal(tolerations.some((x) => x.value === 'spot'), spot);
    if (spot) {
      assert.ok(zoneOf(d), 'a spot server is pinned to its pool zone');
      assert.equal(d.spec.template.spec.topologySpreadConstraints[0].topologyKey, 'topology.kubernetes.io/zone');
    } else assert.equal(zoneOf(d), undefined);
  }
  // every plan instance's market and zone made it into the rendered objects
  const planned = plan.instances.flatMap((i) => i.servers.map((s) => ({ server: s.name, market: i.market, zone: i.zone })));
  for (const p of planned) {
    const d = deployments.find((x) => x.metadata.name === p.server)!;
    assert.equal(market(d), p.market);
    assert.equal(zoneOf(d), p.zone);
  }
  // survival read back from the manifests: drop each zone's spot Deployments in turn
  const modelsOf = (d: Obj) => String(d.spec.template.metadata.annotations['mlserve.dev/models']).split(',');
  const zones = new Set(deployments.filter((d) => market(d) === 'spot').map(zoneOf));
  assert.ok(zones.size >= 2);
  for (const z of zones) {
    const left = new Set(deployments.filter((d) => !(market(d) === 'spot' && zoneOf(d) === z)).flatMap(modelsOf));
    for (const m of models) assert.ok(left.has(m.name), `${m.name} lost with zone ${z}`);
  }
  // disruption budgets: each pod selected by at most one (the eviction API refuses more), and
  // every group of servers sharing a model has one
  const pdbs = objs.filter((o) => o.kind === 'PodDisruptionBudget');
  assert.ok(pdbs.length >= 1);
  for (const d of deployments) {
    const labels = d.spec.template.metadata.labels as Record<string, string>;
    const matching = pdbs.filter((p) => Object.entries(p.spec.selector.matchLabels as Record<string, string>).every(([k, v]) => labels[k] === v));
    const shares = deployments.some((o) => o !== d && modelsOf(o).some((m) => modelsOf(d).includes(m)));
    assert.equal(matching.length, shares ? 1 : 0, d.metadata.name);
    if (shares) assert.equal(matching[0]!.spec.maxUnavailable, 1);
  }
});
