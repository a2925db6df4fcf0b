// A model named at start-up whose worker cannot load it (a real worker, bytes that are no ONNX
// model): the server refuses to start with MLS_ERR_SERVE_MODEL_LOAD_FAILED naming the model,
// rather than running without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MlsError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { defaultOptions } from '../../src/serve/config.js';
import { startServer } from '../../src/serve/server.js';
import { addFolderArchive, tempStore } from './store.js';

test('MLS_ERR_SERVE_MODEL_LOAD_FAILED: a start-up model its worker cannot load stops the start', async () => {
  const store = await tempStore();
  try {
    const bad = join(store, 'bad.onnx');
    await writeFile(bad, 'not an onnx model');
    await addFolderArchive(store, { name: 'bad', model: bad, handler: 'base_handler' });
    const opts = defaultOptions();
    Object.assign(opts, {
      modelStore: store,
      models: ['bad'],
      inference: { host: '127.0.0.1', port: 0 },
      management: { host: '127.0.0.1', port: 0 },
      metrics: { host: '127.0.0.1', port: 0 },
      defaultWorkersPerModel: 1,
      intraOpThreads: 1,
    });
    await assert.rejects(startServer(opts, silentLogger), (e) => {
      assert.ok(e instanceof MlsError);
      assert.equal(e.code, 'MLS_ERR_SERVE_MODEL_LOAD_FAILED');
      assert.match(e.message, /bad/);
      return true;
    });
  } finally {
    await rm(store, { recursive: true, force: true });
  }
});
