// A deployment spread over several servers: one autocannon instance per origin, connections split
// in proportion to the models each serves, every model loaded and reported on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLevel, splitConnections } from '../../src/loadtest/run-level.js';
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
    for (const m of ['a', 'b', 'c', 'd']) assert.ok(ok[m]! > 0, JSON.stringify(ok));
    // 3 connections for the three models on s1, 1 for d on s2. Counts, not rates (how many
    // requests fit in 600 ms is the machine's business): each of s1's connections cycles a, b, c
    // from its own start, so their counts differ by at most one per connection.
    assert.deepEqual(splitConnections(4, [3, 1]), [3, 1]);
    const s1Counts = ['a', 'b', 'c'].map((m) => ok[m]!);
    assert.ok(Math.max(...s1Counts) - Math.min(...s1Counts) <= 3, JSON.stringify(ok));
  } finally {
    await Promise.all([s1?.close(), s2?.close()]);
  }
});

test('large bodies are held once, not once per connection and sequence entry (random mode, 32 connections)', async () => {
  const { randomSequence } = await import('../../src/loadtest/run-loadtest.js');
  const { payloadFromBytes } = await import('../../src/loadtest/payloads.js');
  const server = await startChildServer({ delayMs: 5 });
  try {
    const image = payloadFromBytes(Buffer.alloc(512 * 1024, 7), 'img.png');
    const targets = Array.from({ length: 10 }, (_, i) => modelRequest({ model: `m${i}`, inference: server.url, predictUrl: `${server.url}/predictions/m${i}` }, image));
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const level = await runLevel({ concurrency: 32, durationMs: 600, timeoutMs: 5000, sequence: randomSequence(targets, 1) });
    clearInterval(timer);
    assert.ok(level.ok > 0, `${level.ok} responses`);
    // Copies per connection and entry would be 1000 entries × 32 × 0.5 MB = 16 GB.
    assert.ok(peak - before < 300e6, `rss grew ${((peak - before) / 1e6).toFixed(0)} MB`);
    assert.equal((await server.stats()).kinds['predictions multipart/form-data'] !== undefined, true);
  } finally {
    await server.close();
  }
});
