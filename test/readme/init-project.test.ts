// The README's first steps run as written: `mlserve init my-project` then `mlserve pipeline -f
// my-project/mlserve.yaml` on a fresh folder — with the payload init writes, with requests generated
// from the model's metadata, with a payload the model refuses, and with the model missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

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
