// Worker-side codes through the code that finds them: a handler that throws inside the model host
// (the worker's own class, on the fixture ONNX model), and a requirements file pip cannot install.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFixtureModels } from '../../fixtures/index.js';
import { MlsError } from '../../src/errors.js';
import { ModelHost } from '../../src/serve/worker/model-host.js';
import { installModelDependencies } from '../../src/serve/frontend/python-env.js';
import type { MarManifest } from '../../src/archive/types.js';
import { pythonWith } from './python-env.js';

test('MLS_ERR_SERVE_PREDICTION_FAILED: a handler that throws fails its batch with the code\'s TorchServe type', async () => {
  const fx = await ensureFixtureModels();
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-host-'));
  const host = new ModelHost();
  try {
    await writeFile(join(dir, 'throws.mjs'), "export function handle() { throw new Error('the model ran out of patience'); }\n");
    await host.load({
      modelKey: 'm/1.0', modelName: 'm', modelVersion: '1.0', modelDir: dir, serializedFile: fx.identity, handler: 'throws.mjs',
      manifest: {} as MarManifest, modelConfig: {}, batchSize: 1, intraOpThreads: 1,
    });
    const [r] = await host.infer('m/1.0', [{ parts: [] }] as never);
    const want = new MlsError('MLS_ERR_SERVE_PREDICTION_FAILED', { reason: 'the model ran out of patience' });
    assert.equal(r!.status, 503);
    assert.deepEqual(JSON.parse(r!.body.toString()), { code: 503, type: want.type, message: want.message });
  } finally {
    await host.unload('m/1.0');
    await rm(dir, { recursive: true, force: true });
  }
});

test('MLS_ERR_SERVE_PYTHON_DEPS: pip fails on the archive\'s requirements, and no half-installed folder is left', async (t) => {
  const python = await pythonWith('pip');
  if (!python) return t.skip('no Python with pip');
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-deps-'));
  try {
    // A local path that does not exist: pip refuses it without going to the network.
    await writeFile(join(dir, 'requirements.txt'), './no-such-package-dir-for-mlserve\n');
    await assert.rejects(installModelDependencies(python, dir, 'requirements.txt', 'm'), (e) => {
      assert.ok(e instanceof MlsError);
      assert.equal(e.code, 'MLS_ERR_SERVE_PYTHON_DEPS');
      assert.match(e.message, /requirements\.txt/);
      return true;
    });
    assert.deepEqual((await readdir(dir)).sort(), ['requirements.txt']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
