import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { deploy } from '../../src/deploy/deploy.js';
import { validateObject } from '../../src/deploy/k8s-validate.js';
import { silentLogger } from '../../src/log.js';
import { TEMPLATES_DIR } from '../../src/paths.js';
import { readDeployment } from '../../src/formats/deployment.js';
import { mixedPlan, writeFixtureArchives, writeFixturePlan } from './fixture-plan.js';

let dir: string;
let planPath: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlserve-deploy-k8s-'));
  await writeFixtureArchives(dir);
  planPath = await writeFixturePlan(dir, mixedPlan());
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function loadObjects(out: string): Promise<Obj[]> {
  const files = (await readdir(join(out, 'kubernetes'))).sort();
  const objs: Obj[] = [];
  for (const f of files) yaml.loadAll(await readFile(join(out, 'kubernetes', f), 'utf8'), (d) => objs.push(d as Obj));
  return objs;
}

const base = {
  runtime: 'kubernetes' as const,
  dryRun: true,
  namespace: 'models',
  templatesDir: TEMPLATES_DIR,
  dockerNetwork: 'bridge' as const,
  readyTimeoutMs: 10_000,
  logger: silentLogger,
};

test('kubernetes: every server of a mixed plan gets a valid Deployment, Service and ConfigMap with devices, selectors and probes', async () => {
  const out = join(dir, 'out-baked');
  const r = await deploy({ ...base, planPath, outDir: out, autoscale: { min: 1, max: 3, targetCpu: 70 }, ingress: { host: 'models.example.com' } });
  const objs = await loadObjects(out);
  // Everything written is valid against the API schemas (checked again here, independently of deploy).
  for (const o of objs) assert.deepEqual(await validateObject(o), [], `${o.kind}/${o.metadata?.name}`);
  const kinds = objs.map((o) => o.kind);
  assert.equal(kinds.filter((k) => k === 'Namespace').length, 1);
  for (const k of ['Deployment', 'Service', 'ConfigMap', 'HorizontalPodAutoscaler']) assert.equal(kinds.filter((x) => x === k).length, 4, k);
  assert.equal(kinds.filter((k) => k === 'Ingress').length, 1);

  const dep = (name: string) => objs.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!;
  const c = (name: string) => dep(name).spec.template.spec.containers[0];
  assert.equal(dep('inf1-0-p1').spec.template.spec.nodeSelector['node.kubernetes.io/instance-type'], 'inf1.6xlarge');
  assert.equal(c('inf1-0-p1').resources.limits['aws.amazon.com/neuron'], '1');
  assert.equal(c('g4dn-0-p0').resources.limits['nvidia.com/gpu'], '1');
  assert.equal(c('c5-0-p0').resources.limits['nvidia.com/gpu'], undefined);
  // c5.2xlarge: 8 vCPUs, 40% planned utilization → 3.2 cores + 0.1 overhead.
  assert.equal(c('c5-0-p0').resources.requests.cpu, '3300m');
  assert.match(c('g4dn-0-p0').resources.requests.memory, /^\d+Mi$/);
  assert.equal(c('c5-0-p0').livenessProbe.httpGet.path, '/ping');
  assert.equal(c('c5-0-p0').readinessProbe.httpGet.path, '/v2/health/ready');
  assert.equal(dep('c5-0-p0').spec.template.spec.securityContext.runAsNonRoot, true);
  const args: string[] = c('inf1-0-p0').args;
  assert.equal(args[0], 'serve');
  assert.equal(args[args.indexOf('--models') + 1], 'identity=identity.mar');
  assert.equal(args[args.indexOf('--management-address') + 1], '127.0.0.1:8081', 'management stays inside the pod');
  assert.equal(args[args.indexOf('--grpc-inference-address') + 1], '0.0.0.0:7070');
  assert.equal(args[args.indexOf('--grpc-management-address') + 1], '127.0.0.1:7071', 'gRPC management stays inside the pod');
  // Services expose inference, metrics and gRPC inference (named grpc) only.
  const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'g4dn-0-p0')!;
  assert.deepEqual(svc.spec.ports.map((p: Obj) => p.port).sort(), [7070, 8080, 8082]);
  assert.equal(svc.spec.ports.find((p: Obj) => p.port === 7070).name, 'grpc');
  assert.ok(c('c5-0-p0').ports.some((p: Obj) => p.name === 'grpc' && p.containerPort === 7070));
  // Baked archives: images built from the models contexts rendered alongside.
  assert.match(c('c5-0-p0').image, /^mlserve-models-cpu:[0-9a-f]{12}$/);
  assert.ok((await readdir(join(out, 'docker', 'models-inf', 'model-store'))).includes('identity.mar'));
  const ing = objs.find((o) => o.kind === 'Ingress')!;
  assert.ok(ing.spec.rules[0].http.paths.some((p: Obj) => p.path === '/predictions/ocr-cls' && p.backend.service.name === 'g4dn-0-p0'));
  // deployment.yaml: not started, cluster DNS endpoints for loadtest.
  const d = await readDeployment(r.deploymentFile);
  assert.equal(d.started, false);
  assert.equal(d.servers.find((s) => s.name === 'g4dn-0-p0')!.models[0]!.url, 'http://g4dn-0-p0.models.svc.cluster.local:8080/predictions/ocr-cls');
});

test('kubernetes --archive-url: an init container fetches the archives into an emptyDir; --expose-management publishes 8081', async () => {
  const out = join(dir, 'out-url');
  await deploy({ ...base, planPath, outDir: out, archiveUrl: 'https://models.example.com/store/', image: 'registry.example.com/mlserve-{processor}:1.0', exposeManagement: true });
  const objs = await loadObjects(out);
  const d = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'g4dn-0-p0')!;
  const init = d.spec.template.spec.initContainers[0];
  assert.equal(init.image, 'registry.example.com/mlserve-gpu:1.0');
  assert.deepEqual(JSON.parse(init.env.find((e: Obj) => e.name === 'MLSERVE_FETCH').value), [
    { url: 'https://models.example.com/store/ocr-cls.mar', file: 'ocr-cls.mar' },
  ]);
  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'g4dn-0-p0-config')!;
  assert.ok(cm.data['fetch-models.mjs'].includes('MLSERVE_FETCH'));
  assert.ok(cm.data['config.properties'].includes('job_queue_size'));
  const args: string[] = d.spec.template.spec.containers[0].args;
  assert.equal(args[args.indexOf('--management-address') + 1], '0.0.0.0:8081');
  const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'g4dn-0-p0')!;
  assert.deepEqual(svc.spec.ports.map((p: Obj) => p.port).sort(), [7070, 8080, 8081, 8082]);
});

test('a misspelled field in a template makes validation fail with its path', async () => {
  const tdir = join(dir, 'templates-typo');
  await cp(TEMPLATES_DIR, tdir, { recursive: true });
  const f = join(tdir, 'kubernetes', 'deployment.yaml');
  await writeFile(f, (await readFile(f, 'utf8')).replace('imagePullPolicy:', 'imagePulPolicy:'));
  await assert.rejects(deploy({ ...base, planPath, outDir: join(dir, 'out-typo'), templatesDir: tdir }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'MLS_ERR_DEPLOY_MANIFEST_INVALID');
    assert.match(e.message, /spec\.template\.spec\.containers\.0\.imagePulPolicy: unknown field "imagePulPolicy" \(did you mean "imagePullPolicy"\?\)/);
    return true;
  });
});

test('schema checks: wrong types and missing required fields are reported, unknown kinds refused', async () => {
  const bad = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', labelz: {} },
    spec: { ports: [{ port: '8080' }], selector: { a: 'b' } },
  };
  const issues = await validateObject(bad);
  assert.ok(issues.some((i) => i.path === 'spec.ports.0.port'), JSON.stringify(issues));
  assert.ok(issues.some((i) => i.path === 'metadata.labelz'), JSON.stringify(issues));
  const noContainers = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: {}, template: { spec: {} } } };
  assert.ok((await validateObject(noContainers)).some((i) => /containers/.test(i.message)));
  assert.equal((await validateObject({ apiVersion: 'v9', kind: 'Nope', metadata: { name: 'x' } }))[0]?.path, 'apiVersion');
});
