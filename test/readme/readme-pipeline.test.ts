// The README's example mlserve.yaml (an explicit entry beside a glob over the same folder,
// replicas: 2) through the whole pipeline; the quickstart's configuration, payloads and $schema;
// the model `mlserve init` writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

test('the README\'s example mlserve.yaml runs as written: the explicit mlp entry wins over the glob, replicas: 2 reaches profiles.yaml, the plan and the load test', { timeout: 300_000 }, async () => {
  const [block] = codeBlocks('yaml');
  assert.ok(block?.includes('kind: Pipeline'), 'the README has the example mlserve.yaml');
  const fx = await ensureFixtureModels();
  const dir = await mkdtemp(join(tmpdir(), 'mls-readme-yaml-'));
  try {
    // The files it names: models/ (mlp, and mlp-b for the glob's handler.js), the init template's
    // handler.js, labels.json, and a payload per model.
    await mkdir(join(dir, 'models'));
    await mkdir(join(dir, 'payloads'));
    for (const m of ['mlp', 'mlp-b']) {
      await copyFile(fx.mlp, join(dir, `models/${m}.onnx`));
      await copyFile(join(INIT_TEMPLATE_DIR, 'payloads/my-model.json'), join(dir, `payloads/${m}.json`));
    }
    await copyFile(join(INIT_TEMPLATE_DIR, 'handler.js'), join(dir, 'handler.js'));
    await writeFile(join(dir, 'labels.json'), '["a", "b", "c"]');
    await writeFile(join(dir, 'mlserve.yaml'), block!);
    const cfg = await loadPipelineConfig(join(dir, 'mlserve.yaml'));
    assert.deepEqual(cfg.models.map((m) => [m.name, m.entry.handler, m.entry.replicas]), [['mlp', 'base_handler', 1], ['mlp-b', 'handler.js', 2]]);

    const r = await runCli(['pipeline', '-f', join(dir, 'mlserve.yaml'), '--json'], { env: { MLSERVE_LOADTEST_DURATION: '300ms' }, timeoutMs: 280_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).ok, true);
    const out = join(dir, cfg.config.output);
    const profiles = await readProfiles(join(out, 'profiles.yaml'));
    assert.deepEqual(Object.fromEntries(profiles.models.map((m) => [m.name, m.replicas])), { mlp: 1, 'mlp-b': 2 });
    const plan = await readPlan(join(out, 'plan.yaml'));
    const placed = plan.instances.flatMap((i) => i.servers.flatMap((s) => s.models.map((m) => `${i.id}/${m.name}`)));
    const copies = placed.filter((p) => p.endsWith('/mlp-b'));
    assert.equal(copies.length, 2, placed.join(' '));
    assert.notEqual(copies[0]!.split('/')[0], copies[1]!.split('/')[0], 'replicas go on distinct instances');
    const report = JSON.parse(await readFile(join(out, 'loadtest/report.json'), 'utf8'));
    assert.ok(report.levels.length > 0 && report.levels.every((l: { ok: number; responses: number }) => l.ok === l.responses && l.ok > 0));
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

test('the model mlserve init writes is the fixtures\' seeded MLP, byte for byte (regenerate it with mlpModel())', async () => {
  const { mlpModel } = await import('../../fixtures/models.js');
  assert.deepEqual(await readFile(join(INIT_TEMPLATE_DIR, 'models/my-model.onnx')), Buffer.from(mlpModel()));
});
