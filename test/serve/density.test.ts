// Many models per worker process: 1,000 distinct models in two shared processes, per-model slot
// limits, a crash costing only one process's requests, and LRU eviction under a memory budget.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServeHandle } from '../../src/serve/server.js';
import { identityModel } from '../../fixtures/models.js';
import { estimateModelMemory } from '../../src/serve/frontend/shared-pool.js';
import { STAGED } from './handlers.js';
import { addModelFolder, metricValue, scrape, serverStarter, tinyStore } from './density-store.js';
import { waitFor } from './store.js';

const start = serverStarter();

const ROW = JSON.stringify([[0.5, -1, 2, 0.25]]);

async function predict(s: ServeHandle, model: string, body = ROW): Promise<{ status: number; text: string }> {
  const res = await fetch(`${s.inference}/predictions/${model}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: res.status, text: await res.text() };
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

describe('many models per worker process', () => {
  // How long this takes is bench/density.ts's figure, not an assertion.
  it('serves 1,000 distinct models from two shared worker processes, each answering with its own weights', async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `m${String(i).padStart(4, '0')}`);
    const store = await tinyStore(names);
    const s = await start(store, { sharedWorkers: 2, snapshotFile: undefined });
    assert.equal(s.models.length, 1000);
    const group = s.registry.settings.group!;
    assert.equal(group.procs.length, 2);
    const pids = new Set(group.procs.map((p) => p.w.pid));
    const answers = await pool(names, 16, (n) => predict(s, n));
    for (const [i, a] of answers.entries()) assert.equal(a.status, 200, `${names[i]}: ${a.text}`);
    // Different seeds, different weights: (almost) every model answers the same row differently.
    assert.ok(new Set(answers.map((a) => a.text)).size > 990);
    const { probabilities } = JSON.parse(answers[0]!.text) as { probabilities: number[][] };
    assert.ok(Math.abs(probabilities[0]!.reduce((x, y) => x + y, 0) - 1) < 1e-5);
    // Still the same two processes, each holding about half of the models.
    assert.deepEqual(new Set(group.procs.map((p) => p.w.pid)), pids);
    assert.equal(group.loadedCount(), 1000);
    for (const p of group.procs) assert.ok(p.models.size >= 300, `process ${p.w.pid} holds ${p.models.size} models`);
    const m = await scrape(s.metrics);
    assert.equal(metricValue(m, 'mlserve_model_loads_total'), 1000);
    assert.equal(metricValue(m, 'mlserve_models_loaded'), 1000);
    // A second round is all cache hits, no more loads.
    await pool(names.slice(0, 100), 16, (n) => predict(s, n));
    const m2 = await scrape(s.metrics);
    assert.equal(metricValue(m2, 'mlserve_model_loads_total'), 1000);
    assert.ok(metricValue(m2, 'mlserve_model_cache_hits_total') >= 100);
  });

  it('limits the batches in flight per model in a shared process and lets other models through', async () => {
    const store = await tinyStore(['quick']);
    // Holds every request until the test creates the release file, and reports the most requests
    // it ever saw at once in its process: the order of answers is decided by the test, not by timing.
    const release = join(store, 'release');
    const peak = `import { existsSync } from 'node:fs';
let active = 0, peak = 0;
export async function handle(requests) {
  active++; peak = Math.max(peak, active);
  while (!existsSync(${JSON.stringify(release)})) await new Promise((r) => setTimeout(r, 10));
  active--;
  return requests.map(() => ({ peak }));
}`;
    await addModelFolder(store, 'hot', 7, { handler: 'peak.mjs', files: { 'peak.mjs': peak }, config: 'workerConcurrency: 2\n' });
    const s = await start(store, { sharedWorkers: 1, processConcurrency: 3, snapshotFile: undefined });
    await predict(s, 'quick'); // loaded
    let floodAnswered = 0;
    const flood = Promise.all(Array.from({ length: 12 }, () => predict(s, 'hot', '{}').finally(() => floodAnswered++)));
    await waitFor('hot to hold its two slots', () => s.registry.get('hot').queue.stats.batches >= 2);
    // The hot model holds 2 of the process's 3 slots and cannot take the third: quick gets it.
    const quick = await predict(s, 'quick');
    assert.equal(quick.status, 200);
    assert.equal(floodAnswered, 0, 'the other model was answered while the hot one still held its requests');
    assert.equal(s.registry.get('hot').queue.stats.batches, 2, 'no third batch of the hot model in flight');
    await writeFile(release, '');
    const hot = await flood;
    const peaks = hot.map((r) => (JSON.parse(r.text) as { peak: number }).peak);
    assert.equal(Math.max(...peaks), 2, `peaks ${peaks.join(',')}`);
  });

  it('a crashing process costs only its own requests; its models load again on demand', async () => {
    const store = await tinyStore(['steady']);
    await addModelFolder(store, 'crashy', 3, { handler: 'staged.mjs', files: { 'staged.mjs': STAGED }, onnx: identityModel() });
    const s = await start(store, { sharedWorkers: 2, snapshotFile: undefined });
    // Loaded one after the other: the group puts them on different processes (fewest bytes first).
    assert.equal((await predict(s, 'steady')).status, 200);
    assert.equal((await predict(s, 'crashy', '[1,2,3,4]')).status, 200);
    const steadyPid = s.registry.get('steady').pool.workers[0]!.pid;
    const crashyPid = s.registry.get('crashy').pool.workers[0]!.pid;
    assert.notEqual(steadyPid, crashyPid);
    const [dead, alive] = await Promise.all([predict(s, 'crashy', 'exit'), predict(s, 'steady')]);
    assert.equal(dead.status, 503);
    assert.equal(alive.status, 200);
    assert.equal(s.registry.get('steady').pool.workers[0]!.pid, steadyPid);
    const again = await predict(s, 'crashy', '[1,2,3,4]');
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(JSON.parse(again.text), { sum: 10 });
    await waitFor('a replacement process', () => s.registry.settings.group!.readyProcs().length === 2);
  });

  it('a hung model kills only its own process after its response timeout', async () => {
    const store = await tinyStore(['calm']);
    await addModelFolder(store, 'stuck', 3, { handler: 'staged.mjs', files: { 'staged.mjs': STAGED }, onnx: identityModel(), config: 'responseTimeout: 1\n' });
    const s = await start(store, { sharedWorkers: 2 });
    assert.equal((await predict(s, 'calm')).status, 200);
    assert.equal((await predict(s, 'stuck', '[1,2,3,4]')).status, 200);
    const calmPid = s.registry.get('calm').pool.workers[0]!.pid;
    assert.notEqual(s.registry.get('stuck').pool.workers[0]!.pid, calmPid);
    // Answered because of the response timeout (the message says so), not because of any wait here.
    const hung = await predict(s, 'stuck', 'hang');
    assert.equal(hung.status, 503);
    assert.match(hung.text, /did not answer within 1000 ms/);
    assert.equal((await predict(s, 'calm')).status, 200);
    assert.equal(s.registry.get('calm').pool.workers[0]!.pid, calmPid);
    const back = await predict(s, 'stuck', '[1,2,3,4]');
    assert.equal(back.status, 200, back.text);
  });

  it('scales a shared model across processes through the management API', async () => {
    const s = await start(await tinyStore(['wide']), { sharedWorkers: 2, snapshotFile: undefined });
    const pool = s.registry.get('wide').pool;
    assert.equal(pool.workers.length, 0, 'registered, not loaded before its first request');
    assert.equal((await predict(s, 'wide')).status, 200);
    assert.equal(pool.workers.length, 1);
    const up = await fetch(`${s.management}/models/wide?min_worker=2&synchronous=true`, { method: 'PUT' });
    assert.equal(up.status, 200);
    assert.equal(new Set(pool.workers.map((w) => w.pid)).size, 2);
    const answers = await Promise.all(Array.from({ length: 8 }, () => predict(s, 'wide')));
    assert.ok(answers.every((a) => a.status === 200));
    assert.equal((await fetch(`${s.management}/models/wide?min_worker=1&synchronous=true`, { method: 'PUT' })).status, 200);
    assert.equal(pool.workers.length, 1);
    const [described] = (await (await fetch(`${s.management}/models/wide`)).json()) as Array<{ minWorkers: number; workers: unknown[] }>;
    assert.equal(described!.minWorkers, 1);
    assert.equal(described!.workers.length, 1);
  });

  it('evicts least recently used idle models under --max-model-memory and reloads them on demand', async () => {
    const names = ['e0', 'e1', 'e2', 'e3', 'e4'];
    const store = await tinyStore(names);
    const one = estimateModelMemory((await stat(join(store, 'e0', 'model.onnx'))).size); // the same for all: same shapes
    const s = await start(store, { sharedWorkers: 1, maxModelMemory: 3 * one, snapshotFile: undefined });
    const first = new Map<string, string>();
    for (const n of names) {
      const r = await predict(s, n);
      assert.equal(r.status, 200);
      first.set(n, r.text);
    }
    const m = await scrape(s.metrics);
    assert.equal(metricValue(m, 'mlserve_model_loads_total'), 5);
    assert.ok(metricValue(m, 'mlserve_model_evictions_total') >= 2);
    assert.ok(metricValue(m, 'mlserve_models_loaded') <= 3);
    assert.ok(metricValue(m, 'mlserve_model_memory_used_bytes') <= 3 * one);
    assert.equal(s.registry.get('e0').pool.workers.length, 0, 'e0 was the least recently used');
    // e0 comes back with the same answer: a real reload of the same weights.
    const again = await predict(s, 'e0');
    assert.equal(again.status, 200);
    assert.equal(again.text, first.get('e0'));
    const m2 = await scrape(s.metrics);
    assert.equal(metricValue(m2, 'mlserve_model_loads_total'), 6);
    assert.ok(metricValue(m2, 'mlserve_model_cache_misses_total') >= 6);
    assert.ok(metricValue(m2, 'mlserve_model_unloading_seconds_total') > 0);
  });
});
