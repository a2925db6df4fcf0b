// Each deployed server gets the processor the plan gave it (issue 18): the serve flags, the docker
// device flags and the Kubernetes pod per processor index; and, end to end on this machine with no
// GPU, a local gpu server refuses to start unless deploy --allow-cpu-fallback, then says it runs on the CPU.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { deploy } from '../../src/deploy/deploy.js';
import { resolveServers, type DeployServer } from '../../src/deploy/deploy-plan.js';
import { dockerDeviceArgs, kubernetesNeuronCores, processorServeArgs } from '../../src/deploy/devices.js';
import { loadProcessorTable } from '../../src/deploy/processors.js';
import { serveArgs } from '../../src/deploy/serve-args.js';
import { validateObject } from '../../src/deploy/k8s-validate.js';
import { readDeployment } from '../../src/formats/deployment.js';
import { silentLogger } from '../../src/log.js';
import { TEMPLATES_DIR } from '../../src/paths.js';
import { runCli } from '../helpers/cli.js';
import { mixedPlan, planOf, writeFixtureArchives, writeFixturePlan } from './fixture-plan.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let dir: string;
let planPath: string;
let servers: DeployServer[];
const byName = (n: string) => servers.find((s) => s.name === n)!;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlserve-deploy-devices-'));
  await writeFixtureArchives(dir);
  planPath = await writeFixturePlan(dir, mixedPlan());
  servers = await resolveServers(mixedPlan(), { planPath, table: await loadProcessorTable(TEMPLATES_DIR), requireArchives: false });
});
after(async () => {
  for (const out of ['local-refused', 'local-fallback']) await runCli(['deploy', '--down', '--out', join(dir, out)]);
  await rm(dir, { recursive: true, force: true });
});

const addrs = { store: '/s', inference: '127.0.0.1:1', management: '127.0.0.1:2', metrics: '127.0.0.1:3' };
const flag = (args: string[], name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

test('serve flags: every server gets its processor; local and docker servers also the plan\'s processor index', () => {
  const inf1 = serveArgs(byName('inf1-0-p1'), addrs);
  assert.deepEqual([flag(inf1, '--processor'), flag(inf1, '--devices'), flag(inf1, '--neuron-cores-per-device')], ['inf', '1', '4']);
  const gpu = serveArgs(byName('g4dn-0-p0'), addrs);
  assert.deepEqual([flag(gpu, '--processor'), flag(gpu, '--devices')], ['gpu', '0']);
  const cpu = serveArgs(byName('c5-0-p0'), addrs);
  assert.deepEqual([flag(cpu, '--processor'), flag(cpu, '--devices')], ['cpu', undefined]);
  assert.deepEqual(processorServeArgs(byName('inf1-0-p0'), false), ['--processor', 'inf', '--neuron-cores-per-device', '4']);
});

test('docker: each container is given its own device only', () => {
  assert.deepEqual(dockerDeviceArgs(byName('inf1-0-p0')), ['--device', '/dev/neuron0']);
  assert.deepEqual(dockerDeviceArgs(byName('inf1-0-p1')), ['--device', '/dev/neuron1']);
  assert.deepEqual(dockerDeviceArgs(byName('g4dn-0-p0')), ['--gpus', 'device=0']);
  assert.deepEqual(dockerDeviceArgs(byName('c5-0-p0')), []);
  assert.equal(kubernetesNeuronCores(byName('c5-0-p0')), undefined);
});

test('kubernetes: device-plugin requests kept, the NeuronCores of one chip and the plan index per pod; --allow-cpu-fallback passed on', async () => {
  const out = join(dir, 'k8s');
  await deploy({ runtime: 'kubernetes', dryRun: true, namespace: 'models', templatesDir: TEMPLATES_DIR, dockerNetwork: 'bridge', readyTimeoutMs: 10_000, logger: silentLogger, planPath, outDir: out, allowCpuFallback: true });
  const objs: Obj[] = [];
  for (const f of (await readdir(join(out, 'kubernetes'))).sort()) yaml.loadAll(await readFile(join(out, 'kubernetes', f), 'utf8'), (d) => objs.push(d as Obj));
  for (const o of objs) assert.deepEqual(await validateObject(o), [], `${o.kind}/${o.metadata?.name}`);
  const pod = (n: string) => objs.find((o) => o.kind === 'Deployment' && o.metadata.name === n)!.spec.template;
  const env = (n: string) => Object.fromEntries((pod(n).spec.containers[0].env as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]));
  const args = (n: string): string[] => pod(n).spec.containers[0].args;
  assert.equal(env('inf1-0-p1').NEURON_RT_VISIBLE_CORES, '0-3');
  assert.equal(env('g4dn-0-p0').NEURON_RT_VISIBLE_CORES, undefined);
  assert.equal(pod('inf1-0-p1').metadata.labels['mlserve.dev/processor-index'], '1');
  assert.equal(pod('inf1-0-p1').spec.containers[0].resources.limits['aws.amazon.com/neuron'], '1');
  assert.equal(pod('g4dn-0-p0').spec.containers[0].resources.limits['nvidia.com/gpu'], '1');
  // The device plugin picks the chip: the pod names no device of its own.
  assert.deepEqual([flag(args('inf1-0-p1'), '--processor'), flag(args('inf1-0-p1'), '--devices')], ['inf', undefined]);
  assert.equal(flag(args('g4dn-0-p0'), '--processor'), 'gpu');
  assert.ok(args('g4dn-0-p0').includes('--allow-cpu-fallback'));
});

test('local: a gpu server on a machine without a GPU refuses to start; with --allow-cpu-fallback it runs on the CPU and says so', async () => {
  const GB = 1e9;
  const plan = planOf([{ id: 'g4dn-0', type: 'g4dn.xlarge', family: 'g4dn', pricePerHour: 0.526, servers: [mixedPlan().instances[1]!.servers[0]!] }]);
  plan.instances[0]!.servers[0]!.models[0]!.memory = 0.5 * GB;
  const p = await writeFixturePlan(dir, plan, 'gpu-plan.yaml');
  const refused = await runCli(['deploy', '--plan', p, '--out', join(dir, 'local-refused'), '--json'], { timeoutMs: 120_000 });
  assert.equal(refused.code, 1);
  assert.equal(JSON.parse(refused.stdout).error.code, 'MLS_ERR_DEPLOY_SERVER_START_FAILED');
  assert.match(refused.stdout + refused.stderr, /MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE/);
  const ok = await runCli(['deploy', '--plan', p, '--out', join(dir, 'local-fallback'), '--allow-cpu-fallback', '--json'], { timeoutMs: 120_000 });
  assert.equal(ok.code, 0, ok.stderr);
  const d = await readDeployment(join(dir, 'local-fallback', 'deployment.yaml'));
  const s = d.servers[0]!;
  const described = (await (await fetch(`${s.management}/models/ocr-cls`)).json()) as Array<Record<string, unknown>>;
  assert.equal(described[0]!.deviceType, 'cpu');
  assert.match(String(described[0]!.deviceFallback), /no NVIDIA GPU/);
});
