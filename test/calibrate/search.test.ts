import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchConfigs, type SearchConfig } from '../../src/calibrate/search.js';

/** A model whose capacity is a known function of the configuration. */
function fake(capacity: (c: SearchConfig) => number) {
  const calls: SearchConfig[] = [];
  return {
    calls,
    measure: async (c: SearchConfig) => {
      calls.push(c);
      return { config: c, capacity: capacity(c), concurrency: 4, memory: 1 };
    },
  };
}

test('workers stop growing when one more adds under 5%; batch sizes stop when one does not beat the best', async () => {
  // Batching helps up to 4, workers help up to 2.
  const f = fake((c) => Math.min(c.batchSize, 4) * 10 * Math.min(c.workers, 2));
  const r = await searchConfigs([1, 4, 8, 16], [1, 2, 4], f.measure);
  assert.deepEqual(r.best?.config, { batchSize: 4, workers: 2 });
  assert.deepEqual(
    f.calls.map((c) => `${c.batchSize}x${c.workers}`),
    ['1x1', '1x2', '1x4', '4x1', '4x2', '4x4', '8x1', '8x2', '8x4'],
  );
});

test('a configuration that never meets the SLO is not chosen; none meeting it gives no best', async () => {
  const f = fake((c) => (c.batchSize === 1 ? 0 : 30));
  const r = await searchConfigs([1, 4], [1], f.measure);
  assert.deepEqual(r.best?.config, { batchSize: 4, workers: 1 });
  const none = await searchConfigs([1, 2], [1, 2], fake(() => 0).measure);
  assert.equal(none.best, undefined);
  assert.equal(none.tried.length, 2, 'a first worker count that fails stops the worker search at that batch size');
});
