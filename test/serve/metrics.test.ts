// Prometheus metrics: scraped, parsed line by line, and seen to follow traffic (requests by model
// and status, queue / inference / request latency, batch sizes, workers, load time, memory, CPU).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { silentLogger } from '../../src/log.js';
import { startServer, type ServeHandle } from '../../src/serve/server.js';
import { metricValue, scrape, testServerOptions, tinyStore } from './density-store.js';

let server: ServeHandle;
let store: string;

before(async () => {
  store = await tinyStore(['alpha', 'beta']);
  server = await startServer(testServerOptions(store, { sharedWorkers: 1 }), silentLogger);
});

after(async () => {
  await server?.close();
  await rm(store, { recursive: true, force: true });
});

// Prometheus parses sample values with Go's ParseFloat, which takes NaN and Inf in any case:
// prom-client prints an event-loop-lag gauge with no samples yet as `Nan`.
const SAMPLE = /^[a-zA-Z_:][\w:]*(\{([a-zA-Z_]\w*="(?:[^"\\]|\\.)*",?)*\})? (-?[\d.e+-]+|nan|[+-]inf)$/i;

function parse(text: string): void {
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    assert.match(line, SAMPLE);
  }
}

describe('metrics', () => {
  it('follow traffic by model and status', async () => {
    const before = await scrape(server.metrics);
    parse(before);
    const alpha = { model_name: 'alpha' };
    assert.equal(metricValue(before, 'mlserve_inference_requests_total', alpha), 0);
    // TorchServe's series appear with their first request, as its label children do.
    assert.ok(Number.isNaN(metricValue(before, 'ts_inference_requests_total', alpha)));
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${server.inference}/predictions/alpha`, { method: 'POST', body: '[[1,2,3,4]]', headers: { 'content-type': 'application/json' } });
      assert.equal(r.status, 200);
    }
    const bad = await fetch(`${server.inference}/predictions/alpha`, { method: 'POST', body: '[[1,2]]', headers: { 'content-type': 'application/json' } });
    assert.equal(bad.status, 400);
    const after = await scrape(server.metrics);
    parse(after);
    assert.equal(metricValue(after, 'ts_inference_requests_total', alpha), 6);
    assert.equal(metricValue(after, 'mlserve_requests_total', { ...alpha, status: '200' }), 5);
    assert.equal(metricValue(after, 'mlserve_requests_total', { ...alpha, status: '400' }), 1);
    assert.equal(metricValue(after, 'mlserve_inference_errors_total', alpha), 1);
    assert.equal(metricValue(after, 'mlserve_batches_by_size_total', { ...alpha, batch_size: '1' }), 6);
    for (const name of ['ts_queue_latency_microseconds', 'ts_inference_latency_microseconds', 'ts_request_latency_microseconds']) {
      assert.ok(metricValue(after, name, alpha) > 0, name);
    }
    assert.ok(metricValue(after, 'ts_request_latency_microseconds', alpha) >= metricValue(after, 'ts_inference_latency_microseconds', alpha));
    assert.equal(metricValue(after, 'mlserve_workers', alpha), 1);
    assert.equal(metricValue(after, 'mlserve_model_loaded', alpha), 1);
    assert.equal(metricValue(after, 'mlserve_model_loaded', { model_name: 'beta' }), 0, 'beta was never asked for: not loaded');
    assert.ok(metricValue(after, 'mlserve_model_load_seconds', alpha) > 0);
    assert.ok(metricValue(after, 'mlserve_model_memory_bytes', alpha) > 0);
    assert.equal(metricValue(after, 'mlserve_model_loads_total'), 1);
    assert.ok(metricValue(after, 'process_cpu_seconds_total') > 0);
    assert.ok(metricValue(after, 'process_resident_memory_bytes') > 10_000_000);
  });
});
