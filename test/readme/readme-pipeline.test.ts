// The README's first steps run as written: `mlserve init my-project` then `mlserve pipeline -f
// my-project/mlserve.yaml` on a fresh folder; the README's example mlserve.yaml (an explicit entry
// beside a glob over the same folder, replicas: 2) through archive → trace → pack; the quickstart's
// configuration, payloads and $schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { ensureFixtureModels } from '../../fixtures/index.js';
import { readProfiles } from '../../src/formats/profiles.js';
import { readPlan } from '../../src/formats/plan.js';
import { loadPipelineConfig } from '../../src/config/load-pipeline-config.js';
import { pipelineJsonSchema } from '../../src/config/pipeline-schema.js';
import { INIT_TEMPLATE_DIR } from '../../src/pipeline/init-project.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { codeBlocks } from './readme-blocks.js';

test('README: mlserve init my-project, then mlserve pipeline -f my-project/mlserve.yaml, succeeds on a fresh folder', { timeout: 240_000 }, async () => {
  const cwd = await mkdtemp(join(tmpdir(), 'mls-first-run-'));
  const env = { MLSERVE_LOADTEST_DURATION: '300ms' }; // the template's 5 s per level, shortened for the suite
  try {
    const init = await runCli(['init', 'my-project'], { cwd });
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /^next: mlserve pipeline -f my-project\/mlserve\.yaml$/m);
    for (const f of ['mlserve.yaml', 'handler.js', 'mlserve.schema.json', 'models/my-model.onnx', 'payloads/my-model.json']) {
      assert.ok(existsSync(join(cwd, 'my-project', f)), f);
    }
    const run = await runCli(['pipeline', '-f', 'my-project/mlserve.yaml', '--json'], { cwd, env, timeoutMs: 200_000 });
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { ok: boolean; steps: Array<{ name: string; status: string }> };
    assert.equal(summary.ok, true);
    assert.deepEqual(summary.steps.map((s) => s.status), ['done', 'done', 'done', 'done', 'done', 'done']);
    const report = JSON.parse(await readFile(join(cwd, 'my-project/out/loadtest/report.json'), 'utf8'));
    assert.ok(report.levels.length > 0 && report.levels.every((l: { ok: number; responses: number }) => l.ok === l.responses && l.ok > 0));

    // Without payloads the load test builds its requests from the model's metadata, and they succeed too.
    const yaml = (await readFile(join(cwd, 'my-project/mlserve.yaml'), 'utf8')).replace(/^ {2}payloadDir: .*$/m, '');
    await writeFile(join(cwd, 'my-project/mlserve.yaml'), yaml);
    const generated = await runCli(['pipeline', '-f', 'my-project/mlserve.yaml', '--json'], { cwd, env, timeoutMs: 200_000 });
    assert.equal(generated.code, 0, generated.stderr);
    const report2 = JSON.parse(await readFile(join(cwd, 'my-project/out/loadtest/report.json'), 'utf8'));
    assert.equal(report2.models[0].payload, 'kserve-v2');
    assert.ok(report2.levels.every((l: { ok: number; responses: number }) => l.ok === l.responses && l.ok > 0));

    // A payload the model refuses: the pipeline stops at the load test and says why, on stderr and in its summary.
    await writeFile(join(cwd, 'my-project/mlserve.yaml'), `${yaml.trimEnd()}\n  payloadDir: payloads\n`);
    await writeFile(join(cwd, 'my-project/payloads/my-model.json'), '[1, 2, 3]');
    const refused = await runCli(['pipeline', '-f', 'my-project/mlserve.yaml'], { cwd, env, timeoutMs: 200_000 });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /MLS_ERR_LOADTEST_ALL_ERRORS: mlserve loadtest: every request failed at the warmup \(\d+ × 4\d\d\); my-model answered 4\d\d/);
    assert.match(refused.stdout, /error MLS_ERR_LOADTEST_ALL_ERRORS: .*every request failed/);
    const saved = JSON.parse(await readFile(join(cwd, 'my-project/out/pipeline-summary.json'), 'utf8'));
    assert.equal(saved.error.code, 'MLS_ERR_LOADTEST_ALL_ERRORS');

    // The user's model missing: their file to provide, named by its key, not an earlier step's output.
    await rename(join(cwd, 'my-project/models/my-model.onnx'), join(cwd, 'moved.onnx'));
    const missing = await runCli(['pipeline', '-f', 'my-project/mlserve.yaml', '--force', '--json'], { cwd, env });
    assert.equal(missing.code, 4, missing.stderr);
    const err = JSON.parse(missing.stdout).error;
    assert.equal(err.code, 'MLS_ERR_PIPELINE_FILE_NOT_FOUND');
    assert.equal(err.details.key, 'models.0.file');
    assert.match(err.message, /models\.0\.file: my-project\/models\/my-model\.onnx does not exist/);

    const again = await runCli(['init', 'my-project'], { cwd });
    assert.equal(again.code, 4);
    assert.match(again.stderr, /MLS_ERR_INIT_EXISTS/);
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
});

test('the README\'s example mlserve.yaml runs: the explicit mlp entry wins over the glob, replicas: 2 reaches profiles.yaml and the plan', { timeout: 240_000 }, async () => {
  const [block] = codeBlocks('yaml');
  assert.ok(block?.includes('kind: Pipeline'), 'the README has the example mlserve.yaml');
  const fx = await ensureFixtureModels();
  const dir = await mkdtemp(join(tmpdir(), 'mls-readme-yaml-'));
  try {
    await mkdir(join(dir, 'models'));
    await copyFile(fx.mlp, join(dir, 'models/mlp.onnx'));
    await copyFile(fx.cnn, join(dir, 'models/cnn.onnx'));
    await copyFile(join(INIT_TEMPLATE_DIR, 'handler.js'), join(dir, 'handler.js'));
    await writeFile(join(dir, 'labels.json'), '["a", "b", "c"]');
    await writeFile(join(dir, 'mlserve.yaml'), block!);
    const cfg = await loadPipelineConfig(join(dir, 'mlserve.yaml'));
    assert.deepEqual(cfg.models.map((m) => [m.name, m.entry.handler, m.entry.replicas]), [['mlp', 'base_handler', 1], ['cnn', 'handler.js', 2]]);

    const r = await runCli(['pipeline', '-f', join(dir, 'mlserve.yaml'), '--to', 'pack', '--json'], { timeoutMs: 200_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).ok, true);
    const out = join(dir, cfg.config.output);
    const profiles = await readProfiles(join(out, 'profiles.yaml'));
    assert.deepEqual(Object.fromEntries(profiles.models.map((m) => [m.name, m.replicas])), { mlp: 1, cnn: 2 });
    const plan = await readPlan(join(out, 'plan.yaml'));
    const placed = plan.instances.flatMap((i) => i.servers.flatMap((s) => s.models.map((m) => `${i.id}/${m.name}`)));
    const cnn = placed.filter((p) => p.endsWith('/cnn'));
    assert.equal(cnn.length, 2, placed.join(' '));
    assert.notEqual(cnn[0]!.split('/')[0], cnn[1]!.split('/')[0], 'replicas go on distinct instances');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the quickstart: its mlserve.yaml loads, every model has a payload, and its $schema is the current JSON Schema', async () => {
  const path = join(PACKAGE_ROOT, 'examples/quickstart/mlserve.yaml');
  const text = await readFile(path, 'utf8');
  const schemaRef = /\$schema=(\S+)/.exec(text)?.[1];
  assert.equal(schemaRef, './mlserve.schema.json');
  const committed = JSON.parse(await readFile(join(PACKAGE_ROOT, 'examples/quickstart', schemaRef), 'utf8'));
  assert.deepEqual(committed, JSON.parse(JSON.stringify(pipelineJsonSchema())), 'regenerate examples/quickstart/mlserve.schema.json (mlserve init writes the same file)');
  await ensureFixtureModels();
  const cfg = await loadPipelineConfig(path);
  const payloads = join(cfg.dir, cfg.config.loadtest.payloadDir!);
  for (const m of cfg.models) assert.ok([`${m.name}.json`, `${m.name}.png`].some((f) => existsSync(join(payloads, f))), `payload for ${m.name}`);
});
