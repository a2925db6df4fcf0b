// A deployment spread over several servers: one autocannon instance per origin, connections split
// in proportion to the models each serves, every model loaded and reported on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLevel } from '../../src/loadtest/run-level.js';
import { modelRequest } from '../../src/loadtest/targets.js';
import { EMPTY_PAYLOAD } from '../../src/loadtest/payloads.js';
import { startChildServer } from './test-servers.js';

test('models on two servers: each server gets its models\' requests and connections in proportion', async () => {
  const [s1, s2] = await Promise.all([startChildServer({ delayMs: 2 }), startChildServer({ delayMs: 2 })]);
  try {
    const req = (url: string, m: string) => modelRequest({ model: m, inference: url, predictUrl: `${url}/predictions/${m}` }, EMPTY_PAYLOAD);
    const sequence = [req(s1!.url, 'a'), req(s1!.url, 'b'), req(s1!.url, 'c'), req(s2!.url, 'd')];
    const level = await runLevel({ concurrency: 4, durationMs: 600, timeoutMs: 5000, sequence });
    assert.equal(level.connections, 4);
    const [st1, st2] = await Promise.all([s1!.stats(), s2!.stats()]);
    assert.deepEqual(Object.keys(st1.byModel).sort(), ['a', 'b', 'c']);
    assert.deepEqual(Object.keys(st2.byModel), ['d']);
    const ok = Object.fromEntries(level.models.map((m) => [m.model, m.ok]));
    for (const m of ['a', 'b', 'c', 'd']) assert.ok(ok[m]! > 10, JSON.stringify(ok));
    // 3 connections for the three models on s1, 1 for d on s2: each model gets about a quarter.
    const total = level.ok;
    for (const m of ['a', 'b', 'c', 'd']) assert.ok(ok[m]! / total > 0.15 && ok[m]! / total < 0.35, JSON.stringify(ok));
  } finally {
    await Promise.all([s1?.close(), s2?.close()]);
  }
});
