// `mlserve deploy --runtime local` end to end through the CLI: real `mlserve serve` processes with
// the plan's archives, a prediction from every model, then --down stops them and frees the ports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { readDeployment, type Deployment } from '../../src/formats/deployment.js';
import { isPortFree } from '../../src/deploy/ports.js';
import { localPlan, writeFixtureArchives, writeFixturePlan } from './fixture-plan.js';
import { ocrImages } from '../../fixtures/index.js';
import { preprocessImage, readImagePreprocess } from '../../fixtures/ocr-preprocess.js';
import { isProcessAlive as alive } from '../../src/process-alive.js';

let dir: string;
let planPath: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlserve-deploy-local-'));
  await writeFixtureArchives(dir);
  planPath = await writeFixturePlan(dir, localPlan());
});
after(async () => {
  // Whatever a failed assertion left running is stopped before the folder goes.
  for (const out of ['out', 'out-fail']) await runCli(['deploy', '--down', '--out', join(dir, out)]);
  await rm(dir, { recursive: true, force: true });
});


/** A flat tensor as nested arrays of the given shape (JSON tensors for base_handler). */
function nest(data: Float32Array, shape: number[]): unknown {
  const [d, ...rest] = shape;
  if (rest.length === 0) return Array.from(data);
  const step = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: d! }, (_, i) => nest(data.subarray(i * step, (i + 1) * step), rest));
}

function ports(d: Deployment): number[] {
  return d.servers.flatMap((s) => [s.inference, s.management, s.metrics].filter((u): u is string => Boolean(u)).map((u) => Number(new URL(u).port)));
}

async function predict(url: string, body: Buffer | string, type: string): Promise<Record<string, number[][]>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
  assert.equal(res.status, 200, `${url}: ${await res.clone().text()}`);
  return (await res.json()) as Record<string, number[][]>;
}

test('deploy --runtime local starts every server, every planned model answers, --down stops them and frees the ports', async () => {
  const out = join(dir, 'out');
  const r = await runCli(['deploy', '--plan', planPath, '--runtime', 'local', '--out', out, '--json'], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Deployment & { deploymentFile: string };
  assert.equal(doc.started, true);
  const d = await readDeployment(doc.deploymentFile);
  assert.equal(d.status, 'running');
  assert.deepEqual(d.servers.map((s) => s.name).sort(), ['c5-0-p0', 'c5-0-p1']);
  const urls = Object.fromEntries(d.servers.flatMap((s) => s.models.map((m) => [m.name, m.url])));
  assert.deepEqual(Object.keys(urls).sort(), ['identity', 'mlp', 'ocr-cls']);

  assert.deepEqual((await predict(urls.identity!, JSON.stringify([[1, 2, 3, 4]]), 'application/json')).output, [[1, 2, 3, 4]]);
  const mlp = (await predict(urls.mlp!, JSON.stringify([new Array(16).fill(0.5)]), 'application/json')).probabilities!;
  assert.equal(mlp[0]!.length, 3);
  // The real OCR orientation classifier: upright text → class 0 (0°), the same rotated → class 1 (180°).
  const cfg = await readImagePreprocess();
  const imgs = await ocrImages();
  for (const [img, cls] of [[imgs.upright, 0], [imgs.rotated, 1]] as const) {
    const tensor = nest(await preprocessImage(img, cfg), [3, 48, 192]);
    const scores = Object.values(await predict(urls['ocr-cls']!, JSON.stringify(tensor), 'application/json'))[0] as unknown as number[];
    const flat = scores.flat(3) as number[];
    assert.equal(flat.length, 2);
    assert.ok(flat[cls]! > 0.9, `class ${cls} expected, got ${JSON.stringify(flat)}`);
  }

  // A second deploy into the same folder would orphan these servers: refused.
  const again = await runCli(['deploy', '--plan', planPath, '--runtime', 'local', '--out', out, '--json']);
  assert.equal(JSON.parse(again.stdout).error.code, 'MLS_ERR_DEPLOY_ALREADY_RUNNING');

  const pids = d.servers.map((s) => Number(s.handle?.pid));
  const used = ports(d);
  assert.equal(used.length, 6);
  for (const p of used) assert.equal(await isPortFree(p), false, `port ${p} is in use while deployed`);
  const downRun = await runCli(['deploy', '--down', '--out', out, '--json']);
  assert.equal(downRun.code, 0, downRun.stderr);
  assert.deepEqual((JSON.parse(downRun.stdout) as { stopped: string[] }).stopped.sort(), ['c5-0-p0', 'c5-0-p1']);
  for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} still alive`);
  for (const p of used) assert.equal(await isPortFree(p), true, `port ${p} not freed`);
  assert.equal((await readDeployment(doc.deploymentFile)).status, 'stopped');
  // Running --down twice is harmless.
  assert.equal((await runCli(['deploy', '--down', '--out', out])).code, 0);
});

test('a server not ready within --ready-timeout: exit 6 with MLS_ERR_DEPLOY_READY_TIMEOUT, and --down stops it', async () => {
  const out = join(dir, 'out-slow');
  const r = await runCli(['deploy', '--plan', planPath, '--out', out, '--ready-timeout', '1ms', '--json'], { timeoutMs: 120_000 });
  assert.equal(r.code, 6, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.ok, false);
  assert.equal(doc.error.code, 'MLS_ERR_DEPLOY_READY_TIMEOUT');
  const downRun = await runCli(['deploy', '--down', '--out', out, '--json']);
  assert.equal(downRun.code, 0, downRun.stderr);
  assert.equal(JSON.parse(downRun.stdout).ok, true);
});

test('a server that fails to start is reported, and what did start is recorded so --down stops it', async () => {
  await mkdir(join(dir, 'bad'), { recursive: true });
  await writeFile(join(dir, 'bad', 'broken.mar'), 'not a zip');
  const plan = localPlan();
  const second = plan.instances[0]!.servers[1]!;
  second.models = [{ ...second.models[0]!, name: 'broken', archive: 'bad/broken.mar' }];
  const bad = await writeFixturePlan(dir, plan, 'bad-plan.yaml');
  const out = join(dir, 'out-fail');
  const r = await runCli(['deploy', '--plan', bad, '--out', out, '--json'], { timeoutMs: 120_000 });
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.stdout).error.code, 'MLS_ERR_DEPLOY_SERVER_START_FAILED');
  const d = await readDeployment(join(out, 'deployment.yaml'));
  assert.equal(d.status, 'failed');
  assert.equal(d.error?.code, 'MLS_ERR_DEPLOY_SERVER_START_FAILED');
  const good = d.servers.find((s) => s.name === 'c5-0-p0')!;
  const pid = Number(good.handle?.pid);
  assert.equal(alive(pid), true, 'the healthy server is running and recorded');
  const downRun = await runCli(['deploy', '--down', '--out', out, '--json']);
  assert.equal(downRun.code, 0, downRun.stderr);
  assert.equal(alive(pid), false);
});

test('a requested port that is taken is a coded error before anything starts', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', res));
  const port = (blocker.address() as { port: number }).port;
  try {
    const out = join(dir, 'out-port');
    // Server 1's management port is base+4: make base+4 the taken one.
    const r = await runCli(['deploy', '--plan', planPath, '--out', out, '--base-port', String(port - 4), '--json']);
    assert.equal(r.code, 5);
    const err = JSON.parse(r.stdout).error as { code: string; message: string };
    assert.equal(err.code, 'MLS_ERR_DEPLOY_PORT_TAKEN');
    assert.match(err.message, new RegExp(`port ${port} \\(c5-0-p1 management\\)`));
  } finally {
    blocker.close();
  }
});

test('bad input: missing or invalid plan, missing archive, nothing to take down, tools absent', async () => {
  const code = async (args: string[], env?: NodeJS.ProcessEnv) => {
    const r = await runCli([...args, '--json'], { env });
    return [r.code, (JSON.parse(r.stdout) as { error?: { code: string } }).error?.code] as const;
  };
  assert.deepEqual(await code(['deploy', '--plan', join(dir, 'nope.yaml')]), [3, 'MLS_ERR_DEPLOY_PLAN_NOT_FOUND']);
  await writeFile(join(dir, 'invalid.yaml'), 'apiVersion: mlserve/v1\nkind: PackingPlan\ninstances: 3\n');
  assert.deepEqual(await code(['deploy', '--plan', join(dir, 'invalid.yaml')]), [3, 'MLS_ERR_DEPLOY_PLAN_INVALID']);
  const plan = localPlan();
  plan.instances[0]!.servers[0]!.models[0]!.archive = 'model_store/missing.mar';
  const missing = await writeFixturePlan(dir, plan, 'missing-archive.yaml');
  assert.deepEqual(await code(['deploy', '--plan', missing, '--dry-run']), [3, 'MLS_ERR_DEPLOY_ARCHIVE_MISSING']);
  assert.deepEqual(await code(['deploy', '--down', '--out', join(dir, 'empty')]), [3, 'MLS_ERR_DEPLOY_NOT_FOUND']);
  // Applying needs the tools: with an empty PATH neither docker nor kubectl can be found.
  const noTools = { PATH: join(dir, 'no-bin') };
  assert.deepEqual(await code(['deploy', '--plan', planPath, '--runtime', 'docker', '--out', join(dir, 'o-docker')], noTools), [5, 'MLS_ERR_DEPLOY_DOCKER_MISSING']);
  assert.deepEqual(await code(['deploy', '--plan', planPath, '--runtime', 'kubernetes', '--out', join(dir, 'o-k8s')], noTools), [5, 'MLS_ERR_DEPLOY_KUBECTL_MISSING']);
  // The dry run of the same plans renders and validates without the tools.
  assert.deepEqual(await code(['deploy', '--plan', planPath, '--runtime', 'kubernetes', '--out', join(dir, 'o-k8s'), '--dry-run'], noTools), [0, undefined]);
});
