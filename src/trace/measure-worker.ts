// The measuring process: started fresh for each model (src/trace/measure.ts) so that the memory it
// reports is the model's alone. Reads its job from the JSON file named by argv[2], prints one JSON
// line with the measurement on stdout, and exits. Run with `node measure-worker.js job.json`.
import { readFileSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import ort from '../onnxruntime.js';
import type { MeasureJob, Measurement, LatencyStats } from './measure.js';
import { openSession, runSession } from './session.js';
import { makeFeeds } from './feeds.js';

/** Resident set and its high-water mark, from /proc/self/status (kB → bytes). */
function memoryStatus(): { rss: number; hwm: number } {
  const text = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0) so the next peak is that of the next phase. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * A 65-byte ONNX model (Identity on float32[1], opset 13). Opening it first initializes
 * onnxruntime's environment (kernel registries, allocators: about 25 MB here), a cost paid once per
 * server process, not per model; the baseline is taken after it.
 */
const WARM_MODEL = 'CAg6NwoQCgF4EgF5IghJZGVudGl0eRIBZ1oPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCBAoAEA0=';

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
}

function percentile(sorted: number[], p: number): number {
  // Nearest rank: the smallest sample with at least p% of the samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

function stats(samples: number[], cpuMs: number, batch: number): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return {
    batch,
    iterations: samples.length,
    p50Ms: r(percentile(sorted, 50)),
    p90Ms: r(percentile(sorted, 90)),
    p95Ms: r(percentile(sorted, 95)),
    p99Ms: r(percentile(sorted, 99)),
    meanMs: r(samples.reduce((a, b) => a + b, 0) / samples.length),
    busyMsPerRequest: r(cpuMs / samples.length / batch),
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as MeasureJob;
  // Inputs exist before the baseline so that only the model's own memory is counted.
  const feedsByBatch = new Map([...new Set([1, job.batchSize])].map((b) => [b, makeFeeds(job.plans, b)]));
  collectGarbage();
  const beforeRuntime = memoryStatus().rss;
  const warm = await ort.InferenceSession.create(Buffer.from(WARM_MODEL, 'base64'), { logSeverityLevel: 3, intraOpNumThreads: job.threads, interOpNumThreads: 1 });
  await warm.run({ x: new ort.Tensor('float32', new Float32Array([1]), [1]) });
  collectGarbage();
  const baseline = memoryStatus().rss;
  const peakResettable = resetPeak();
  const t0 = performance.now();
  const session = await openSession(job.model, job.modelPath, { level: job.level, threads: job.threads, ...(job.executionProviders ? { executionProviders: job.executionProviders } : {}) });
  const loadMs = performance.now() - t0;
  const afterLoad = memoryStatus();
  // Peak memory of inference: a few runs at each batch size (the largest last), read before the
  // timed loops, whose JavaScript garbage (thousands of result objects) is not the model's.
  resetPeak();
  for (const feeds of feedsByBatch.values()) {
    for (let i = 0; i < 3; i++) await runSession(job.model, session, feeds);
  }
  const inference = memoryStatus();
  const latency: LatencyStats[] = [];
  for (const [batch, feeds] of feedsByBatch) {
    for (let i = 0; i < job.warmupIterations; i++) await runSession(job.model, session, feeds);
    const samples: number[] = [];
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    while (samples.length < job.maxIterations && (samples.length < job.minIterations || performance.now() - start < job.durationMs)) {
      const s = performance.now();
      await runSession(job.model, session, feeds);
      samples.push(performance.now() - s);
    }
    const cpu = process.cpuUsage(cpu0);
    latency.push(stats(samples, (cpu.user + cpu.system) / 1000, batch));
  }
  const result: Measurement = {
    loadMs: Math.round(loadMs * 1000) / 1000,
    memory: {
      baselineRss: baseline,
      runtime: Math.max(0, baseline - beforeRuntime),
      afterLoad: Math.max(0, afterLoad.rss - baseline),
      peakLoad: Math.max(0, afterLoad.hwm - baseline),
      peakInference: Math.max(0, Math.max(inference.hwm, afterLoad.rss) - baseline),
      peakResettable,
    },
    latency,
  };
  await session.release();
  await warm.release();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  const err = e as { code?: string; message?: string };
  process.stdout.write(`${JSON.stringify({ error: { code: err.code ?? 'MLS_ERR_TRACE_MEASURE_FAILED', message: err.message ?? String(e) } })}\n`);
  process.exitCode = 1;
});
