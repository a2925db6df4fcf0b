import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencySamples, percentile, summarize } from '../../src/loadtest/latency-stats.js';
import { parseConcurrencyList, parseConcurrencyRange } from '../../src/loadtest/concurrency-levels.js';
import { findKnee, meetsSlo, parseSlo } from '../../src/loadtest/slo.js';
import { splitConnections } from '../../src/loadtest/run-level.js';
import { randomSequence } from '../../src/loadtest/run-loadtest.js';
import { reportCsv } from '../../src/loadtest/report-csv.js';
import { payloadFromBytes } from '../../src/loadtest/payloads.js';
import { endpointsFromUrl, modelRequest } from '../../src/loadtest/targets.js';
import type { LevelResult, LoadtestReport } from '../../src/loadtest/types.js';
import { MlsError } from '../../src/errors.js';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return (e as MlsError).code;
  }
  return 'no error';
};

test('percentiles are exact nearest-rank values with sub-millisecond precision', () => {
  const s = new LatencySamples();
  // 1..2000 in a shuffled order, as 0.001 ms steps: p50 is the 1000th value.
  const values = Array.from({ length: 2000 }, (_, i) => (i + 1) / 1000);
  for (let i = values.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  for (const v of values) s.add(v);
  const r = summarize(s);
  assert.equal(r.count, 2000);
  assert.equal(r.p50, 1.0);
  assert.equal(r.p90, 1.8);
  assert.equal(r.p95, 1.9);
  assert.equal(r.p99, 1.98);
  assert.equal(r.min, 0.001);
  assert.equal(r.max, 2.0);
  assert.ok(Math.abs(r.mean - 1.0005) < 1e-9);
  assert.equal(percentile([5], 99), 5);
  assert.ok(Number.isNaN(summarize(new LatencySamples()).p50));
  assert.deepEqual(summarize(s, [99.9, 90]).at, { '99.9': 1.998 });
});

test('concurrency lists and ranges (additive and multiplicative steps)', () => {
  assert.deepEqual(parseConcurrencyRange('1:256:x2'), [1, 2, 4, 8, 16, 32, 64, 128, 256]);
  assert.deepEqual(parseConcurrencyRange('2:10:4'), [2, 6, 10]);
  assert.deepEqual(parseConcurrencyRange('1:3'), [1, 2, 3]);
  assert.deepEqual(parseConcurrencyRange('1:10:x1.5'), [1, 2, 3, 5, 8]);
  assert.deepEqual(parseConcurrencyList(['8', '1', '4', '4']), [1, 4, 8]);
  assert.equal(code(() => parseConcurrencyRange('4:1')), 'MLS_ERR_LOADTEST_BAD_CONCURRENCY');
  assert.equal(code(() => parseConcurrencyRange('1:8:x1')), 'MLS_ERR_LOADTEST_BAD_CONCURRENCY');
  assert.equal(code(() => parseConcurrencyList(['0'])), 'MLS_ERR_LOADTEST_BAD_CONCURRENCY');
  assert.equal(code(() => parseConcurrencyList(['two'])), 'MLS_ERR_LOADTEST_BAD_CONCURRENCY');
});

test('SLO parsing, judging and the knee', () => {
  assert.deepEqual(parseSlo('p90=100ms'), { percentile: 90, thresholdMs: 100 });
  assert.deepEqual(parseSlo('p99=0.25s, errors=1%'), { percentile: 99, thresholdMs: 250, maxErrorRate: 0.01 });
  assert.deepEqual(parseSlo('p99.9=40ms'), { percentile: 99.9, thresholdMs: 40 });
  assert.equal(code(() => parseSlo('p101=100ms')), 'MLS_ERR_LOADTEST_BAD_SLO');
  assert.equal(code(() => parseSlo('p9.9.9=100ms')), 'MLS_ERR_LOADTEST_BAD_SLO');
  assert.equal(code(() => parseSlo('p90=100')), 'MLS_ERR_LOADTEST_BAD_SLO');
  assert.equal(code(() => parseSlo('errors=1%')), 'MLS_ERR_LOADTEST_BAD_SLO');
  const lvl = (concurrency: number, throughput: number, p90: number, errorRate = 0): LevelResult =>
    ({ concurrency, throughput, ok: 10, errorRate, latencyMs: { p50: p90 / 2, p90, p95: p90, p99: p90 } }) as LevelResult;
  const levels = [lvl(1, 100, 10), lvl(2, 190, 11), lvl(4, 380, 12, 0.05), lvl(8, 400, 30)];
  assert.equal(findKnee(levels, parseSlo('p90=20ms'))?.concurrency, 4);
  assert.equal(findKnee(levels, parseSlo('p90=20ms,errors=1%'))?.concurrency, 2);
  assert.equal(findKnee(levels, undefined)?.concurrency, 8);
  assert.equal(findKnee(levels, parseSlo('p90=5ms')), undefined);
  assert.equal(meetsSlo(lvl(1, 100, 10), parseSlo('p50=5ms')), true);
  const tail = { ...lvl(1, 100, 10), latencyMs: { ...lvl(1, 100, 10).latencyMs, at: { '99.9': 45 } } } as LevelResult;
  assert.equal(meetsSlo(tail, parseSlo('p99.9=50ms')), true);
  assert.equal(meetsSlo(tail, parseSlo('p99.9=40ms')), false);
});

test('connections are split over server origins in proportion to their models, one at least', () => {
  assert.deepEqual(splitConnections(8, [1]), [8]);
  assert.deepEqual(splitConnections(8, [3, 1]), [6, 2]);
  assert.deepEqual(splitConnections(1, [2, 2, 2]), [1, 1, 1]);
  assert.equal(splitConnections(10, [1, 1, 1]).reduce((a, b) => a + b), 10);
});

test('random mode order is seeded and covers the models', () => {
  const targets = ['a', 'b', 'c'].map((m) => modelRequest({ model: m, inference: 'http://127.0.0.1:1', predictUrl: `http://127.0.0.1:1/predictions/${m}` }, payloadFromBytes(Buffer.from('x'), 'x.bin')));
  const s1 = randomSequence(targets, 7).map((t) => t.model);
  assert.deepEqual(s1, randomSequence(targets, 7).map((t) => t.model));
  assert.notDeepEqual(s1, randomSequence(targets, 8).map((t) => t.model));
  for (const m of ['a', 'b', 'c']) {
    const share = s1.filter((x) => x === m).length / s1.length;
    assert.ok(share > 0.25 && share < 0.42, `${m} share ${share}`);
  }
});

test('payload kinds: JSON, KServe v2 (routed to /v2/models/{m}/infer), multipart image, raw bytes', async () => {
  const [ep] = await endpointsFromUrl('http://127.0.0.1:8080/', ['res net']);
  const v2 = modelRequest(ep!, payloadFromBytes(Buffer.from('{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}'), 'a.json'));
  assert.equal(v2.kind, 'kserve-v2');
  assert.equal(v2.path, '/v2/models/res%20net/infer');
  const js = modelRequest(ep!, payloadFromBytes(Buffer.from('{"data":[1,2]}'), 'a.json'));
  assert.equal(js.kind, 'json');
  assert.equal(js.path, '/predictions/res%20net');
  assert.equal(js.headers['content-type'], 'application/json');
  const img = payloadFromBytes(Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'cat.png');
  assert.equal(img.kind, 'multipart');
  assert.match(img.contentType!, /^multipart\/form-data; boundary=/);
  assert.match(img.body.toString('latin1'), /name="data"; filename="cat.png"\r\nContent-Type: image\/png\r\n\r\n\x89PNG\r\n--/);
  assert.equal(payloadFromBytes(Buffer.from([1, 2]), 'x.bin').contentType, 'application/octet-stream');
  assert.equal(code(() => payloadFromBytes(Buffer.from('{'), 'bad.json')), 'MLS_ERR_INVALID_FILE_FORMAT');
  await assert.rejects(endpointsFromUrl('ftp://x', ['a']), { code: 'MLS_ERR_LOADTEST_BAD_URL' });
  await assert.rejects(endpointsFromUrl('http://127.0.0.1:1', []), { code: 'MLS_ERR_LOADTEST_NO_MODELS' });
});

test('report.csv keeps perf_analyzer column names and microsecond latencies', () => {
  const level = {
    concurrency: 2, throughput: 123.45, requestsPerSecond: 130, responses: 130, ok: 123, timeouts: 1, connectionErrors: 0, meetsSlo: true,
    latencyMs: { count: 123, min: 1, mean: 2.5, p50: 2.0004, p90: 3.1, p95: 3.5, p99: 4.25, max: 9 },
  } as LevelResult;
  const csv = reportCsv({ levels: [level] } as LoadtestReport).trim().split('\n');
  assert.match(csv[0]!, /^Concurrency,Inferences\/Second,p50 latency,p90 latency,p95 latency,p99 latency,/);
  assert.equal(csv[1], '2,123.5,2000,3100,3500,4250,2500,9000,130,130,123,7,1,0,yes');
});
