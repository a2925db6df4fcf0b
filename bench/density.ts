// How many models fit one server, and what does a model cost when it is loaded on demand? Starts
// mlserve's server with a shared worker group (--shared-workers), registers N distinct tiny models
// through the management API (timed), sends each its first request (cold: the model loads on
// demand) and a second one (warm), one at a time, and reads the resident memory of the worker
// processes before and after. Then the same cold/warm figures for M distinct 1 MB models (the
// issue's goal: cold p50 ≤ 50 ms). Writes bench/results/density.json.
// Usage: node dist/bench/density.js [N=1000] [M=30] [sharedWorkers=2]
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { mlpModel } from '../fixtures/models.js';
import { writeFileAtomic } from '../src/fs/atomic.js';
import { silentLogger } from '../src/log.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { startServer, type ServeHandle } from '../src/serve/server.js';
import { addModelFolder, testServerOptions, tinyStore } from '../fixtures/tiny-store.js';

const N = Number(process.argv[2] ?? 1000);
const M = Number(process.argv[3] ?? 30);
const SHARED = Number(process.argv[4] ?? 2);
const TINY_ROW = JSON.stringify([[0.5, -1, 2, 0.25]]);
const BIG_ROW = JSON.stringify([Array.from({ length: 16 }, (_, i) => i / 16)]);
const bigModel = (seed: number) => mlpModel({ inputs: 16, hidden: 288, layers: 4, classes: 3, seed });

function rss(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
  } catch {
    return 0;
  }
}

const workersRss = (s: ServeHandle) => s.registry.settings.group!.procs.reduce((a, p) => a + rss(p.w.pid), 0);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function summary(ms: number[]): { p50: number; p99: number; mean: number } {
  const s = [...ms].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50: r(pct(s, 50)), p99: r(pct(s, 99)), mean: r(s.reduce((a, b) => a + b, 0) / s.length) };
}

async function timedPost(url: string, body: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return performance.now() - t0;
}

async function coldAndWarm(s: ServeHandle, names: string[], row: string): Promise<{ cold: number[]; warm: number[] }> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (const n of names) cold.push(await timedPost(`${s.inference}/predictions/${n}`, row));
  for (const n of names) warm.push(await timedPost(`${s.inference}/predictions/${n}`, row));
  return { cold, warm };
}

async function main(): Promise<void> {
  const tiny = Array.from({ length: N }, (_, i) => `tiny${i}`);
  const big = Array.from({ length: M }, (_, i) => `big${i}`);
  const store = await tinyStore(tiny);
  for (const [i, n] of big.entries()) await addModelFolder(store, n, 5000 + i, { onnx: bigModel(5000 + i) });
  const bigBytes = (await stat(join(store, 'big0', 'model.onnx'))).size;
  const s = await startServer(testServerOptions(store, { models: [], sharedWorkers: SHARED }), silentLogger);
  try {
    const rssBefore = workersRss(s);
    // Registration through the management API, 8 at a time (a client registering a fleet).
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < tiny.length + big.length) {
        const n = [...tiny, ...big][next++]!;
        const res = await fetch(`${s.management}/models?url=${n}`, { method: 'POST' });
        if (res.status !== 200) throw new Error(`register ${n}: ${res.status} ${await res.text()}`);
      }
    }));
    const registerMs = performance.now() - t0;
    const t = await coldAndWarm(s, tiny, TINY_ROW);
    const rssTiny = workersRss(s);
    const b = await coldAndWarm(s, big, BIG_ROW);
    const rssAll = workersRss(s);
    const figures = {
      machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg().map((x) => Math.round(x * 100) / 100), note: '2 cores shared with other jobs: timings are noisy' },
      command: `node dist/bench/density.js ${N} ${M} ${SHARED}`,
      sharedWorkers: SHARED,
      tiny: {
        models: N,
        onnxBytes: (await stat(join(store, 'tiny0', 'model.onnx'))).size,
        registration: { totalMs: Math.round(registerMs), perModelMs: Math.round((registerMs / (N + M)) * 100) / 100 },
        coldMs: summary(t.cold),
        warmMs: summary(t.warm),
        workerRssBytes: { before: rssBefore, after: rssTiny, perModel: Math.round((rssTiny - rssBefore) / Math.max(1, N)) },
      },
      oneMegabyte: {
        models: M,
        onnxBytes: bigBytes,
        coldMs: summary(b.cold),
        warmMs: summary(b.warm),
        workerRssPerModelBytes: Math.round((rssAll - rssTiny) / Math.max(1, M)),
        goal: 'cold p50 <= 50 ms',
      },
      frontendRssBytes: process.memoryUsage().rss,
    };
    console.log(JSON.stringify(figures, null, 2));
    await writeFileAtomic(join(PACKAGE_ROOT, 'bench', 'results', 'density.json'), `${JSON.stringify(figures, null, 2)}\n`);
  } finally {
    await s.close();
    await rm(store, { recursive: true, force: true });
  }
}

await main();
