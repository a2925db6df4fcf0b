import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPipelineConfig, envOverrides } from '../../src/config/load-pipeline-config.js';
import { pipelineJsonSchema } from '../../src/config/pipeline-schema.js';
import { MlsError } from '../../src/errors.js';
import { initProject } from '../../src/pipeline/init-project.js';

async function project(yamlText: string, files: string[] = ['models/a.onnx', 'models/b.onnx']): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mls-cfg-'));
  for (const f of files) {
    await mkdir(join(dir, f, '..'), { recursive: true });
    await writeFile(join(dir, f), 'x');
  }
  await writeFile(join(dir, 'mlserve.yaml'), yamlText);
  return join(dir, 'mlserve.yaml');
}

const BASE = 'apiVersion: mlserve/v1\nkind: Pipeline\nmodels:\n  - file: models/*.onnx\n';

test('defaults fill every section and globs name models after their files', async () => {
  const cfg = await loadPipelineConfig(await project(BASE));
  assert.deepEqual(cfg.models.map((m) => m.name), ['a', 'b']);
  assert.equal(cfg.config.deploy.runtime, 'local');
  assert.equal(cfg.config.pack.maxUtil, 83);
  assert.equal(cfg.config.pack.maxMem, '7.4GB');
  assert.deepEqual(cfg.config.loadtest.concurrency, [1, 2, 4, 8]);
  assert.ok(cfg.outDir.endsWith('/out'));
});

test('unknown keys are rejected with path.to.key messages', async () => {
  const path = await project(`${BASE}pack:\n  maxMemory: 7GB\n`);
  await assert.rejects(loadPipelineConfig(path), (e: unknown) => {
    assert.ok(e instanceof MlsError);
    assert.equal(e.code, 'MLS_ERR_INVALID_FILE_FORMAT');
    assert.match(e.message, /pack\.maxMemory: unknown key/);
    return true;
  });
  const bad = await project(`${BASE}loadtest:\n  duration: 10\n  slo: p90<100ms\n`);
  await assert.rejects(loadPipelineConfig(bad), (e: unknown) => {
    assert.ok(e instanceof MlsError);
    assert.match(e.message, /loadtest\.duration: /);
    assert.match(e.message, /loadtest\.slo: /);
    return true;
  });
});

test('precedence: file < environment < flags; a bad value is blamed on the variable or flag that gave it', async () => {
  const path = await project(`${BASE}deploy:\n  runtime: docker\n`);
  assert.equal((await loadPipelineConfig(path)).config.deploy.runtime, 'docker');
  const env = envOverrides({ MLSERVE_RUNTIME: 'kubernetes' });
  assert.equal((await loadPipelineConfig(path, env)).config.deploy.runtime, 'kubernetes');
  const flag = { source: '--runtime', values: { 'deploy.runtime': 'local' } };
  assert.equal((await loadPipelineConfig(path, [...env, flag])).config.deploy.runtime, 'local');
  assert.equal((await loadPipelineConfig(path, envOverrides({ MLSERVE_SLO: 'p95=50ms,errors=1%' }))).config.loadtest.slo, 'p95=50ms,errors=1%');
  await assert.rejects(loadPipelineConfig(path, [{ source: '--runtime', values: { 'deploy.runtime': 'swarm' } }]), /^MlsError: --runtime: deploy\.runtime: /);
  await assert.rejects(loadPipelineConfig(path, envOverrides({ MLSERVE_SLO: 'p90<100ms' })), (e: unknown) => {
    assert.ok(e instanceof MlsError);
    assert.match(e.message, /^environment variable MLSERVE_SLO: loadtest\.slo: /);
    assert.doesNotMatch(e.message, /mlserve\.yaml/);
    assert.equal(e.details?.source, 'environment variable MLSERVE_SLO');
    return true;
  });
});

test('explicit entries win over glob matches of the same name; two entries of one name are an error', async () => {
  const path = await project(
    'apiVersion: mlserve/v1\nkind: Pipeline\nmodels:\n  - { name: a, file: models/a.onnx, handler: base_handler, batching: { batchSize: 8 } }\n  - { file: "models/*.onnx", handler: handler.js, replicas: 2 }\n',
  );
  const cfg = await loadPipelineConfig(path);
  assert.deepEqual(cfg.models.map((m) => [m.name, m.entry.handler, m.entry.replicas]), [['a', 'base_handler', 1], ['b', 'handler.js', 2]]);
  const twice = await project('apiVersion: mlserve/v1\nkind: Pipeline\nmodels:\n  - { name: a, file: models/a.onnx }\n  - { name: a, file: models/b.onnx }\n');
  await assert.rejects(loadPipelineConfig(twice), /models\.1\.name: "a" is also the name of models\.0/);
  const globs = await project('apiVersion: mlserve/v1\nkind: Pipeline\nmodels:\n  - file: models/*.onnx\n  - file: models/a.*\n');
  await assert.rejects(loadPipelineConfig(globs), /models\.1\.file: .* gives the name "a", which models\.0 already gives/);
});

test('sizes are case-exact: 7.4gb is refused at pack.maxMem', async () => {
  await assert.rejects(loadPipelineConfig(await project(`${BASE}pack: { maxMem: 7.4gb }\n`)), /pack\.maxMem: /);
});

test('a glob that matches nothing and a duplicated name are errors naming the key', async () => {
  await assert.rejects(loadPipelineConfig(await project('apiVersion: mlserve/v1\nkind: Pipeline\nmodels:\n  - file: none/*.onnx\n')), /models\.0\.file/);
  const dup = await project('apiVersion: mlserve/v1\nkind: Pipeline\nmodels:\n  - file: models/a.onnx\n  - file: models/a.onnx\n');
  await assert.rejects(loadPipelineConfig(dup), /models\.1\.name: "a" is also the name of models\.0/);
  await assert.rejects(loadPipelineConfig('/nonexistent/mlserve.yaml'), (e: unknown) => e instanceof MlsError && e.code === 'MLS_ERR_PIPELINE_CONFIG_NOT_FOUND');
});

test('the starter file from init validates, and the JSON Schema rejects unknown keys', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mls-init-'));
  // Run from inside the folder, the next command needs no folder; from its parent, it names it.
  assert.equal((await initProject('.', false, dir)).next, 'mlserve pipeline -f mlserve.yaml');
  assert.equal((await initProject('proj', false, dir)).next, 'mlserve pipeline -f proj/mlserve.yaml');
  const cfg = await loadPipelineConfig(join(dir, 'mlserve.yaml'));
  assert.equal(cfg.config.name, 'my-models');
  assert.equal(cfg.models[0]?.entry.batching?.batchSize, 4);
  await assert.rejects(initProject('.', false, dir), (e: unknown) => e instanceof MlsError && e.code === 'MLS_ERR_INIT_EXISTS');
  const schema = pipelineJsonSchema() as { additionalProperties?: boolean; required?: string[] };
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(schema.required?.sort(), ['apiVersion', 'kind', 'models']);
});

test('pack.spot in mlserve.yaml becomes pack --spot with its rule', async () => {
  const { planSteps, pipelinePaths } = await import('../../src/pipeline/steps.js');
  const cfg = await loadPipelineConfig(await project(`${BASE}pack:\n  spot: { maxShare: 0.6 }\n`));
  assert.deepEqual(cfg.config.pack.spot, { survive: 1, maxShare: 0.6 });
  const pack = planSteps(cfg, pipelinePaths(cfg.outDir), () => false).find((s) => s.name === 'pack')!;
  const args = pack.invocations[0]!.args;
  assert.deepEqual(args.slice(args.indexOf('--spot'), args.indexOf('--spot') + 5), ['--spot', '--survive', '1', '--spot-max-share', '0.6']);
  const plain = await loadPipelineConfig(await project(BASE));
  assert.ok(!planSteps(plain, pipelinePaths(plain.outDir), () => false).find((s) => s.name === 'pack')!.invocations[0]!.args.includes('--spot'));
});
