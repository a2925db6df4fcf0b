// --model-control none | poll | explicit, as Triton's: what is loaded at start, whether the
// management API may load and unload, and poll mode following the model store.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mlpModel } from '../../fixtures/models.js';
import type { ServeHandle } from '../../src/serve/server.js';
import { addModelFolder, serverStarter, tinyStore } from './density-store.js';
import { waitFor } from './store.js';

const start = serverStarter({ models: [], sharedWorkers: 1 });

async function predict(s: ServeHandle, model: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${s.inference}/predictions/${model}`, { method: 'POST', body: '[[1, 0, -1, 0.5]]', headers: { 'content-type': 'application/json' } });
  return { status: res.status, text: await res.text() };
}

async function register(s: ServeHandle, url: string): Promise<number> {
  return (await fetch(`${s.management}/models?url=${url}`, { method: 'POST' })).status;
}

describe('model control', () => {
  it('explicit (the default): nothing loads by itself; the API registers and unregisters', async () => {
    const s = await start(await tinyStore(['a', 'b']), { modelControl: 'explicit' });
    assert.deepEqual(s.models, []);
    assert.equal(await register(s, 'a'), 200);
    assert.equal((await predict(s, 'a')).status, 200);
    assert.equal((await fetch(`${s.management}/models/a`, { method: 'DELETE' })).status, 200);
  });

  it('none: the whole store loads at start and the API may not load or unload', async () => {
    const s = await start(await tinyStore(['a', 'b']), { modelControl: 'none' });
    assert.deepEqual(s.models, ['a', 'b']);
    assert.equal((await predict(s, 'b')).status, 200);
    assert.equal(await register(s, 'a'), 403);
    const del = await fetch(`${s.management}/models/a`, { method: 'DELETE' });
    assert.equal(del.status, 403);
    assert.equal(((await del.json()) as { type: string }).type, 'ModelControlException');
  });

  it('poll: archives dropped into the store load, changed ones reload, removed ones unload', async () => {
    const store = await tinyStore(['a']);
    const s = await start(store, { modelControl: 'poll', pollIntervalMs: 100 });
    assert.deepEqual(s.models, ['a']);
    const before = await predict(s, 'a');
    assert.equal(before.status, 200);
    assert.equal(await register(s, 'a'), 403);

    await addModelFolder(store, 'dropped', 42);
    await waitFor('the dropped archive to load', () => s.registry.find('dropped'));
    assert.equal((await predict(s, 'dropped')).status, 200);

    // New weights for a: the server reloads it and answers with them.
    await writeFile(join(store, 'a', 'model.onnx'), mlpModel({ inputs: 4, hidden: 4, classes: 2, layers: 1, seed: 999 }));
    const after = await waitFor('a to answer with its new weights', async () => {
      const r = await predict(s, 'a');
      return r.status === 200 && r.text !== before.text ? r : undefined;
    });
    assert.match(after.text, /probabilities/);

    await rm(join(store, 'dropped'), { recursive: true });
    await waitFor('the removed archive to unload', () => !s.registry.find('dropped'));
    assert.equal((await predict(s, 'dropped')).status, 404);
  });
});
