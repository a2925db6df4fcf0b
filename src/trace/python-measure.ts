// Tracing an archive whose handler is Python: the model is measured through a real Python worker
// (the process `mlserve serve` would run, src/serve/python), since a TorchScript or eager torch model
// has no ONNX session to measure. The request is the --example file sent as a request body (a
// Python handler's input cannot be derived from a .pt file). Figures are those of the ONNX path:
// load time, resident memory (before load, after load, peaks from VmHWM), latency percentiles at
// batch 1 and at --batch-size, and processor time per request from the worker's /proc stat.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { MlsError } from '../errors.js';
import { silentLogger } from '../log.js';
import type { ExtractedArchive } from '../archive/types.js';
import type { InferItem, ItemResult, LoadRequest } from '../serve/ipc/messages.js';
import { WorkerHub } from '../serve/frontend/worker-hub.js';
import { WorkerProcess } from '../serve/frontend/worker-process.js';
import type { LatencyStats, Measurement, MeasureSettings } from './measure.js';

export interface PythonMeasureJob {
  model: string;
  archive: ExtractedArchive;
  python: string;
  /** The request body every measured request carries (--example). */
  examplePath: string | undefined;
  batchSize: number;
  settings: MeasureSettings;
  /** trace --processor gpu|inf with the device here: load fields and worker environment that put the worker on it. */
  onDevice?: { load: Partial<LoadRequest>; env?: Record<string, string> };
}

const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat times are in 1/100 s

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK; // utime + stime
}

function statusBytes(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

function percentile(sorted: number[], p: number): number {
  return Number((sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN).toFixed(3));
}

async function requestItem(job: PythonMeasureJob): Promise<InferItem> {
  if (!job.examplePath) {
    throw new MlsError('MLS_ERR_TRACE_BAD_EXAMPLE', { pythonNeedsExample: { model: job.model } }, {
      details: { model: job.model },
    });
  }
  const body = await readFile(job.examplePath);
  const ext = extname(job.examplePath).toLowerCase();
  const contentType = ext === '.json' ? 'application/json' : ext === '.txt' ? 'text/plain' : 'application/octet-stream';
  return { parts: [{ name: 'body', contentType, body }] };
}

function runBatch(w: WorkerProcess, items: InferItem[], timeoutMs: number): Promise<ItemResult[]> {
  return new Promise((resolve, reject) => w.infer('trace', items, timeoutMs, (e, r) => (e ? reject(e) : resolve(r!))));
}

async function timeBatches(w: WorkerProcess, job: PythonMeasureJob, item: InferItem, batch: number): Promise<LatencyStats> {
  const s = job.settings;
  const items = Array.from({ length: batch }, () => item);
  for (let i = 0; i < s.warmupIterations; i++) {
    const r = await runBatch(w, items, s.timeoutMs);
    const bad = r.find((x) => x.status !== 200);
    if (bad) throw new MlsError('MLS_ERR_TRACE_MEASURE_FAILED', { handlerStatus: { model: job.model, status: bad.status, body: bad.body.toString('utf8').slice(0, 300) } }, { details: { model: job.model } });
  }
  const times: number[] = [];
  const cpu0 = cpuMs(w.pid);
  const t0 = performance.now();
  while (times.length < s.maxIterations && (times.length < s.minIterations || performance.now() - t0 < s.durationMs)) {
    const start = performance.now();
    await runBatch(w, items, s.timeoutMs);
    times.push(performance.now() - start);
  }
  const busy = cpuMs(w.pid) - cpu0;
  const sorted = [...times].sort((a, b) => a - b);
  return {
    batch,
    iterations: times.length,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    meanMs: Number((times.reduce((a, b) => a + b, 0) / times.length).toFixed(3)),
    busyMsPerRequest: Number((busy / (times.length * batch)).toFixed(4)),
  };
}

export async function measurePythonArchive(job: PythonMeasureJob): Promise<Measurement> {
  const item = await requestItem(job);
  const hub = new WorkerHub();
  await hub.listen();
  const w = new WorkerProcess(hub, silentLogger, { kind: 'python', python: job.python, ...(job.onDevice?.env ? { env: job.onDevice.env } : {}) });
  try {
    await w.ready(job.settings.timeoutMs);
    const baselineRss = statusBytes(w.pid, 'VmRSS');
    const t0 = performance.now();
    const m = job.archive.manifest;
    await w.loadModel(
      {
        modelKey: 'trace',
        modelName: m.model.modelName,
        modelVersion: String(m.model.modelVersion ?? '1.0'),
        modelDir: job.archive.dir,
        serializedFile: job.archive.serializedFilePath ?? '',
        handler: m.model.handler ?? 'base_handler',
        manifest: m,
        modelConfig: job.archive.modelConfig ?? {},
        batchSize: job.batchSize,
        intraOpThreads: job.settings.threads,
        ...job.onDevice?.load,
      },
      job.settings.timeoutMs,
    ).catch((e: unknown) => {
      const refused = /^MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE: (.*)$/s.exec((e as Error).message);
      if (refused) throw new MlsError('MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE', { workerRefused: { model: job.model, refused: refused[1]! } }, { details: { model: job.model }, });
      throw new MlsError('MLS_ERR_TRACE_MEASURE_FAILED', { pythonLoad: { model: job.model, reason: (e as Error).message } }, { details: { model: job.model } });
    });
    const loadMs = Number((performance.now() - t0).toFixed(1));
    const afterLoad = statusBytes(w.pid, 'VmRSS') - baselineRss;
    const peakLoad = statusBytes(w.pid, 'VmHWM') - baselineRss;
    const latency = [await timeBatches(w, job, item, 1)];
    if (job.batchSize > 1) latency.push(await timeBatches(w, job, item, job.batchSize));
    const peakInference = statusBytes(w.pid, 'VmHWM') - baselineRss;
    return { loadMs, memory: { baselineRss, runtime: baselineRss, afterLoad, peakLoad, peakInference, peakResettable: false }, latency };
  } finally {
    await w.stop();
    await hub.close();
  }
}
