// More CLI-side codes provoked through the functions that find them: each case runs the real code
// path on the bad input (a tool that is not installed, a file over the limit, a plan that does not
// match the deployment, a range of steps backwards) and checks the code and its exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { chmod, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CATALOG, MlsError, toMlsError, type ErrorCode } from '../../src/errors.js';
import { run } from '../../src/exec.js';
import { assertDockerfile } from '../../src/deploy/dockerfile-lint.js';
import { loadPayload, MAX_PAYLOAD_BYTES } from '../../src/loadtest/payloads.js';
import { checkFreeSpace } from '../../src/archive/extract-dir.js';
import { verifyPlan, verifyTargets } from '../../src/loadtest/verify.js';
import { modelRequest } from '../../src/loadtest/targets.js';
import { EMPTY_PAYLOAD } from '../../src/loadtest/payloads.js';
import { writePlan, type Plan } from '../../src/formats/plan.js';
import { writeDeployment } from '../../src/formats/deployment.js';
import { runPipeline } from '../../src/pipeline/run-pipeline.js';
import { loadPipelineConfig } from '../../src/config/load-pipeline-config.js';
import { missingInputError } from '../../src/pipeline/missing-input.js';
import { buildImage } from '../../src/deploy/docker-build.js';
import { kubectlApply, kubectlDelete } from '../../src/deploy/runtime-kubernetes.js';
import { silentLogger } from '../../src/log.js';
import { verifyCommandRun } from '../../src/loadtest/verify-command.js';
import { runCalibrate } from '../../src/calibrate/run-calibrate.js';
import { writeProfiles } from '../../src/formats/profiles.js';
import { createServer } from 'node:http';
import { refusal } from '../helpers/refusal.js';

async function expectCode(code: ErrorCode, names: RegExp, f: () => unknown): Promise<MlsError> {
  const e = await refusal(f);
  assert.equal(e.code, code, e.message);
  assert.equal(e.exitCode, CATALOG[code].exit);
  assert.match(e.message, names);
  return e;
}

const QUICKSTART = resolve('examples/quickstart/mlserve.yaml');

test('files and tools: a payload over the limit, no room to extract, a denied file, a missing tool, a bad Dockerfile', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-codes-'));
  try {
    const big = join(dir, 'big.bin');
    await writeFile(big, '');
    await truncate(big, MAX_PAYLOAD_BYTES + 1); // sparse: nothing is written
    await expectCode('MLS_ERR_LOADTEST_PAYLOAD_TOO_LARGE', /big\.bin/, () => loadPayload(big));
    await expectCode('MLS_ERR_DISK_FULL', /m\.mar/, () => checkFreeSpace(dir, Number.MAX_SAFE_INTEGER, 'm.mar'));
    // The errno a denied open() gives (tests run as root here, where chmod denies nothing).
    const denied = Object.assign(new Error(`EACCES: permission denied, open '${big}'`), { code: 'EACCES', errno: -13, syscall: 'open', path: big });
    await expectCode('MLS_ERR_PERMISSION', /permission denied/, () => {
      throw toMlsError(denied);
    });
    await expectCode('MLS_ERR_TOOL_MISSING', /mlserve-no-such-tool/, () => run('mlserve-no-such-tool', []));
    await expectCode('MLS_ERR_CHILD_PROCESS', /sh/, () => run('sh', ['-c', 'true'], { cwd: big }));
    const lint = await expectCode('MLS_ERR_DEPLOY_DOCKERFILE_INVALID', /Dockerfile:\d+: no USER instruction.*no HEALTHCHECK/, () => assertDockerfile('FROM node:20\n', 'Dockerfile'));
    assert.equal((lint.details as { issues: string[] }).issues.length, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

function planOf(rps: number): Plan {
  return {
    apiVersion: 'mlserve/v1',
    kind: 'PackingPlan',
    objective: 'cost',
    caps: { util: 83 },
    solver: { status: 'optimal', optimal: true, objectiveValue: 1, lowerBound: 1, gap: 0, solveSeconds: 0 },
    totals: { instances: 1, processors: 1, models: 1, costPerHour: 1, costPerModelHour: 1 },
    instances: [
      {
        id: 'c5-0',
        type: 'c5.xlarge',
        family: 'c5',
        pricePerHour: 1,
        servers: [{ name: 'p0', processor: 0, memory: 1, util: 10, models: [{ name: 'a', replica: 0, memory: 1, util: 10, basis: 'calibrated' as const, rps }] }],
      },
    ],
  };
}

test('verify: a deployment the plan does not describe, a model with no planned rate, an interrupted run', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-codes-'));
  // Port 9 (discard) on loopback: nothing is sent before the checks refuse or the signal stops it.
  const url = 'http://127.0.0.1:9';
  const request = modelRequest({ model: 'a', inference: url, predictUrl: `${url}/predictions/a` }, EMPTY_PAYLOAD);
  const deployment = join(dir, 'deployment.yaml');
  const deploy = (server: string, model: string) =>
    writeDeployment(deployment, { apiVersion: 'mlserve/v1', kind: 'Deployment', runtime: 'local', started: true, servers: [{ name: server, inference: url, models: [{ name: model, url: `${url}/predictions/${model}` }] }] });
  try {
    const plan = join(dir, 'plan.yaml');
    await writePlan(plan, planOf(10));
    const targets = () => verifyTargets({ plan, deployment, requests: [request] });
    await deploy('p9', 'a');
    await expectCode('MLS_ERR_VERIFY_PLAN_MISMATCH', /p9/, targets);
    await deploy('p0', 'b');
    await expectCode('MLS_ERR_VERIFY_PLAN_MISMATCH', /"?b"?/, targets);
    await deploy('p0', 'a');
    await expectCode('MLS_ERR_VERIFY_PLAN_MISMATCH', /a/, () => verifyTargets({ plan, deployment, requests: [] }));
    const aborted = AbortSignal.abort();
    await expectCode('MLS_ERR_INTERRUPTED', /./, () =>
      verifyPlan({ plan, deployment, slo: { percentile: 90, thresholdMs: 100 }, durationMs: 1000, warmupMs: 0, timeoutMs: 1000, requests: [request], outDir: dir }, aborted),
    );
    await writePlan(plan, planOf(0));
    await expectCode('MLS_ERR_VERIFY_NO_RATE', /a/, targets);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('pipeline: a backwards step range, and a step whose input an earlier step did not make', async () => {
  await expectCode('MLS_ERR_PIPELINE_BAD_RANGE', /deploy.*archive|archive.*deploy/, () => runPipeline({ configPath: QUICKSTART, from: 'deploy', to: 'archive' }));
  const cfg = await loadPipelineConfig(QUICKSTART);
  const e = await expectCode('MLS_ERR_PIPELINE_MISSING_INPUT', /pack/, () => {
    throw missingInputError(cfg, 'pack', join(cfg.outDir, 'profiles.yaml'));
  });
  assert.deepEqual((e.details as { missing: string[] }).missing, [join(cfg.outDir, 'profiles.yaml')]);
});

// MLS_ERR_SERVE_STOP_TIMEOUT: test/serve/pid-file.test.ts (a server that ignores SIGTERM, on a FakeClock).

test('deploy tools that fail: docker build and kubectl apply/delete exiting non-zero (stand-in tools first on PATH)', async () => {
  // Stand-ins for the external tools, so the failure is the same with or without a daemon or cluster.
  const bin = await mkdtemp(join(tmpdir(), 'mlserve-tools-'));
  const path = process.env.PATH;
  try {
    await writeFile(join(bin, 'docker'), '#!/bin/sh\necho "Step 1/2 : FROM scratch"\necho "no such base image" >&2\nexit 7\n');
    await writeFile(join(bin, 'kubectl'), '#!/bin/sh\necho "error: the cluster refused $1" >&2\nexit 1\n');
    await Promise.all([chmod(join(bin, 'docker'), 0o755), chmod(join(bin, 'kubectl'), 0o755)]);
    process.env.PATH = `${bin}:${path ?? ''}`;
    const build = await expectCode('MLS_ERR_BUILD_FAILED', /no such base image/, () => buildImage({ context: bin, tag: 'mlserve/x:1', logger: silentLogger }));
    assert.match(build.message, /7/);
    await expectCode('MLS_ERR_DEPLOY_APPLY_FAILED', /the cluster refused apply/, () => kubectlApply([join(bin, 'a.yaml')], silentLogger));
    await expectCode('MLS_ERR_DEPLOY_APPLY_FAILED', /the cluster refused delete/, () => kubectlDelete([join(bin, 'a.yaml')], silentLogger));
  } finally {
    process.env.PATH = path;
    await rm(bin, { recursive: true, force: true });
  }
});

test('verify command: a deployment whose server answers only errors misses the SLO (MLS_ERR_VERIFY_FAILED)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-codes-'));
  const server = createServer((_req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"code":500}'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const plan = join(dir, 'plan.yaml');
    const deployment = join(dir, 'deployment.yaml');
    const payload = join(dir, 'payload.json');
    await writePlan(plan, planOf(20));
    await writeDeployment(deployment, { apiVersion: 'mlserve/v1', kind: 'Deployment', runtime: 'local', started: true, servers: [{ name: 'p0', inference: url, models: [{ name: 'a', url: `${url}/predictions/a` }] }] });
    await writeFile(payload, '{"x": 1}');
    const e = await expectCode('MLS_ERR_VERIFY_FAILED', /p0\/a/, () =>
      verifyCommandRun({ plan, deployment, payload, slo: 'p90=500ms', durationMs: 200, warmupMs: 0, timeoutMs: 2000, out: dir, json: true }),
    );
    assert.deepEqual((e.details as { failed: string[] }).failed, ['p0/a']);
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('calibrate: a profiled model with no archive to measure is refused before any server starts', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-codes-'));
  try {
    const profiles = join(dir, 'profiles.yaml');
    await writeProfiles(profiles, { apiVersion: 'mlserve/v1', kind: 'ModelProfiles', models: [{ name: 'a', replicas: 1, resources: { inf1: { memory: 1e9, util: 10 } } }] });
    await expectCode('MLS_ERR_CALIBRATE_NO_ARCHIVE', /"?a"?.*profiles\.yaml|profiles\.yaml.*a/, () =>
      runCalibrate({ profiles, out: join(dir, 'out.yaml'), slo: { percentile: 90, thresholdMs: 100 }, processor: 'cpu', batchSizes: [1], workers: [1], maxBatchDelayMs: 5, concurrency: [1], durationMs: 100, warmupMs: 0, timeoutMs: 1000, payloadFor: () => EMPTY_PAYLOAD }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
