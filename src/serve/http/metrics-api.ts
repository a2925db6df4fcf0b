// The metrics listener (TorchServe's port 8082): Prometheus text format from prom-client, on a
// private registry. Request counters are plain numbers kept by each model's queue and copied into
// the metrics at scrape time, so serving a request costs no metric bookkeeping beyond an addition.
// TorchServe's default families (ts-metrics.ts) are here in metrics_mode=prometheus, written to
// the log in metrics_mode=log, and split as TorchServe splits them in metrics_mode=legacy;
// mlserve's own families are here in every mode.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import client from 'prom-client';
import { registerTsFamilies, servedFamilies, type MetricsMode } from './ts-metrics.js';
import type { ModelEntry, Registry } from '../frontend/registry.js';
import { notFound, sendError } from './errors.js';
import { deviceLabel } from '../processor.js';
import type { CacheStats, WorkerGroup } from '../frontend/worker-group.js';

// device: what the model runs on (cpu, gpu0, neuron0): a gpu or inf server that fell back to the CPU shows it here too.
const LABELS = ['model_name', 'model_version', 'device'] as const;

function perModel(reg: Registry): ModelEntry[] {
  return reg.names().flatMap((n) => reg.allVersions(n));
}

export interface MetricsOptions {
  mode?: MetricsMode;
  /** The Hostname / hostname label (default: os.hostname(), as TorchServe's ConfigManager). */
  hostname?: string;
}

export function createMetrics(reg: Registry, opts: MetricsOptions = {}): client.Registry {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  registerTsFamilies(registry, reg, opts.hostname ?? hostname(), servedFamilies(opts.mode ?? 'prometheus'));
  // Values are copied from the models' plain counters when Prometheus scrapes.
  const fill = (m: client.Counter | client.Gauge, value: (e: ModelEntry) => number) => {
    m.reset();
    for (const e of perModel(reg)) {
      const labels = { model_name: e.name, model_version: e.version, device: deviceLabel(e.device) };
      if (m instanceof client.Gauge) m.set(labels, value(e));
      else m.inc(labels, value(e));
    }
  };
  const common = { labelNames: LABELS, registers: [registry] };
  const counter = (name: string, help: string, value: (e: ModelEntry) => number) =>
    new client.Counter({ name, help, ...common, collect() { fill(this, value); } });
  const gauge = (name: string, help: string, value: (e: ModelEntry) => number) =>
    new client.Gauge({ name, help, ...common, collect() { fill(this, value); } });
  counter('mlserve_inference_requests_total', 'Inference requests answered, by model', (e) => e.queue.stats.requests);
  counter('mlserve_inference_errors_total', 'Inference requests answered with an error status', (e) => e.queue.stats.errors);
  counter('mlserve_worker_latency_microseconds', 'Cumulative time requests spent in workers (µs)', (e) => Math.round(e.queue.stats.inferenceMicros));
  counter('mlserve_queue_latency_microseconds', 'Cumulative time requests waited in the queue, all requests (µs)', (e) => Math.round(e.queue.stats.queueMicros));
  counter('mlserve_batches_total', 'Batches sent to workers', (e) => e.queue.stats.batches);
  counter('mlserve_batched_requests_total', 'Requests carried by those batches (÷ batches = mean batch size)', (e) => e.queue.stats.batchedRequests);
  gauge('mlserve_workers', 'Ready worker processes', (e) => e.pool.liveCount());
  gauge('mlserve_queue_pending', 'Requests waiting in the queue', (e) => e.queue.pending);
  gauge('mlserve_model_load_seconds', 'Time the last worker took to start and load the model', (e) => e.pool.lastLoadMs / 1000);
  gauge('mlserve_worker_memory_bytes', 'Resident memory of the model\'s worker processes', (e) => e.pool.workers.reduce((a, w) => a + w.memoryUsage(), 0));
  counter('ts_request_latency_microseconds', 'Cumulative time from arrival to answer (µs)', (e) => Math.round(e.queue.stats.requestMicros));
  gauge('mlserve_model_memory_bytes', 'Memory of the model: its dedicated workers\' resident memory, or its estimated share of the shared workers', (e) =>
    e.pool.kind === 'shared' ? ((e.pool as { reservedBytes?: number }).reservedBytes ?? 0) : e.pool.workers.reduce((a, w) => a + w.memoryUsage(), 0));
  gauge('mlserve_model_loaded', '1 when the model is loaded in some worker', (e) => (e.pool.workers.length > 0 ? 1 : 0));
  // Split by a second label: answers by status, batches by size.
  const split = (name: string, help: string, label: string, values: (e: ModelEntry) => Map<number, number>) =>
    new client.Counter({
      name,
      help,
      labelNames: [...LABELS, label],
      registers: [registry],
      collect() {
        this.reset();
        for (const e of perModel(reg)) for (const [k, n] of values(e)) this.inc({ model_name: e.name, model_version: e.version, device: deviceLabel(e.device), [label]: String(k) }, n);
      },
    });
  split('mlserve_requests_total', 'Inference requests answered, by model and HTTP status', 'status', (e) => e.queue.stats.byStatus);
  split('mlserve_batches_by_size_total', 'Batches sent to workers, by batch size', 'batch_size', (e) => e.queue.stats.bySize);
  const group = reg.settings.group;
  if (group) sharedGroupMetrics(registry, group);
  return registry;
}

/** The shared worker group's model cache, in the spirit of SageMaker's ModelCacheHit / ModelLoadingTime / ModelUnloadingTime. */
function sharedGroupMetrics(registry: client.Registry, group: WorkerGroup): void {
  const counter = (name: string, help: string, value: (s: CacheStats) => number) =>
    new client.Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(value(group.stats)); } });
  const gauge = (name: string, help: string, value: () => number) =>
    new client.Gauge({ name, help, registers: [registry], collect() { this.set(value()); } });
  counter('mlserve_model_cache_hits_total', 'Batches sent to a model that was already loaded', (s) => s.hits);
  counter('mlserve_model_cache_misses_total', 'Requests that found their model unloaded and waited for a load', (s) => s.misses);
  counter('mlserve_model_loads_total', 'Model loads into shared worker processes', (s) => s.loads);
  counter('mlserve_model_load_failures_total', 'Model loads that failed', (s) => s.loadFailures);
  counter('mlserve_model_loading_seconds_total', 'Time spent loading models (ModelLoadingTime)', (s) => s.loadMicros / 1e6);
  counter('mlserve_model_evictions_total', 'Idle models unloaded to stay under --max-model-memory', (s) => s.evictions);
  counter('mlserve_model_unloading_seconds_total', 'Time spent unloading evicted models (ModelUnloadingTime)', (s) => s.unloadMicros / 1e6);
  gauge('mlserve_models_loaded', 'Models loaded in the shared worker processes now', () => group.loadedCount());
  gauge('mlserve_model_memory_used_bytes', 'Estimated memory of the loaded models (1.5 × ONNX file size + 256 KiB each)', () => group.usedBytes);
  gauge('mlserve_model_memory_limit_bytes', '--max-model-memory (0: none)', () => group.opts.maxModelMemory);
  gauge('mlserve_shared_workers', 'Ready shared worker processes', () => group.readyProcs().length);
}

/** `extra`: Prometheus text appended to the registry's (the metrics Python handlers record). */
export function metricsListener(registry: client.Registry, extra: () => string = () => '') {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return sendError(res, notFound());
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text + extra());
      },
      (e: unknown) => sendError(res, e),
    );
  };
}
