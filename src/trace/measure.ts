// Step two of tracing a model: measure the optimized model in a fresh Node.js process (the worker
// in measure-worker.ts), so that load time and memory are not those of a process that has already
// loaded other models.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlsError, type ErrorCode } from '../errors.js';
import { startNode } from '../exec.js';
import { runtimeModulePath } from '../paths.js';
import type { InputPlan } from './input-plan.js';
import type { SessionSettings } from './session.js';

export interface MeasureSettings {
  /** Timed window per batch size (after warm-up); at least minIterations runs are timed. */
  durationMs: number;
  warmupIterations: number;
  minIterations: number;
  maxIterations: number;
  threads: number;
  timeoutMs: number;
}

export const DEFAULT_MEASURE: MeasureSettings = {
  durationMs: 3000,
  warmupIterations: 10,
  minIterations: 20,
  maxIterations: 100_000,
  threads: 1,
  timeoutMs: 10 * 60_000,
};

export interface MeasureJob extends Omit<MeasureSettings, 'timeoutMs'> {
  model: string;
  modelPath: string;
  level: SessionSettings['level'];
  plans: InputPlan[];
  batchSize: number;
  /** Measure on the GPU through onnxruntime's CUDA provider (trace --processor gpu where one is). */
  executionProviders?: Array<{ name: 'cuda'; deviceId: number }>;
}

export interface LatencyStats {
  batch: number;
  iterations: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Processor time (user + system, all threads) per request: per batch divided by the batch size. */
  busyMsPerRequest: number;
}

export interface Measurement {
  loadMs: number;
  /**
   * Bytes over the process's resident set before the model was loaded (onnxruntime already
   * initialized); `runtime` is onnxruntime's one-time initialization, a cost of the server process.
   */
  memory: { baselineRss: number; runtime: number; afterLoad: number; peakLoad: number; peakInference: number; peakResettable: boolean };
  /** Batch 1 first, then the configured batch size (when the model takes batches). */
  latency: LatencyStats[];
}

export async function measureModel(job: MeasureJob, timeoutMs: number): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-trace-'));
  try {
    const jobPath = join(dir, 'job.json');
    await writeFile(jobPath, JSON.stringify(job));
    const child = startNode(runtimeModulePath('trace/measure-worker'), [jobPath], {
      timeout: timeoutMs,
      stdin: 'ignore',
      env: { ...process.env, OMP_NUM_THREADS: String(job.threads) },
    });
    const r = await child;
    const last = String(r.stdout ?? '').trim().split('\n').pop() ?? '';
    let doc: (Measurement & { error?: undefined }) | { error: { code: string; message: string } } | undefined;
    try {
      doc = JSON.parse(last) as typeof doc;
    } catch {
      doc = undefined;
    }
    if (doc && 'error' in doc && doc.error) {
      const code = (doc.error.code.startsWith('MLS_ERR_TRACE_') ? doc.error.code : 'MLS_ERR_TRACE_MEASURE_FAILED') as ErrorCode;
      throw MlsError.relayed(code, doc.error.message, { details: { model: job.model } });
    }
    if (!doc || r.exitCode !== 0) {
      const details = { details: { model: job.model } };
      throw r.timedOut
        ? new MlsError('MLS_ERR_TRACE_TIMEOUT', { measuringTimedOut: { model: job.model, ms: timeoutMs } }, details)
        : new MlsError('MLS_ERR_TRACE_MEASURE_FAILED', { measuringExited: { model: job.model, how: String(r.exitCode ?? r.signal), stderr: String(r.stderr ?? '').slice(-2000) } }, details);
    }
    return doc as Measurement;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
