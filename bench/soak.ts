// Soak: a long run at about 70% of the maximum throughput over mixed models (identity, mlp, the OCR
// classifier), reporting errors, p99 per window over time and the growth of resident memory (the
// server plus its workers). First a short closed-loop run finds the maximum; then open-loop load at
// 70% of it (autocannon's overallRate) in windows of --window seconds.
// Writes bench/results/soak.json.
// Usage: node dist/bench/soak.js [--minutes 10] [--window 30] [--connections 32] [--fraction 0.7]
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../src/fs/atomic.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { runEngine } from '../src/loadtest/autocannon-engine.js';
import { startServe, type ServeProcess } from './serve-process.js';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, window: { type: 'string', default: '30' }, connections: { type: 'string', default: '32' }, fraction: { type: 'string', default: '0.7' } },
});
const minutes = Number(values.minutes);
const windowS = Number(values.window);
const connections = Number(values.connections);
const fraction = Number(values.fraction);

// autocannon's open-loop mode (overallRate) is not part of the loadtest engine's closed-loop seam.
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: Record<string, unknown>, cb: (err: Error | null) => void) => NodeJS.EventEmitter;

interface Window {
  minute: number;
  ok: number;
  errors: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  rssMB: number;
}

const q = (sorted: number[], p: number) => Number((sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN).toFixed(2));

async function maxThroughput(s: ServeProcess): Promise<number> {
  let ok = 0;
  const sink = { response: (_m: string, status: number) => void (status === 200 && ok++), timeout: () => {}, connectionError: () => {} };
  await runEngine({ origin: s.inference, connections, durationMs: 3000, timeoutMs: 10_000, requests: s.requests }, sink); // warm-up
  ok = 0;
  await runEngine({ origin: s.inference, connections, durationMs: 10_000, timeoutMs: 10_000, requests: s.requests }, sink);
  return ok / 10;
}

function window(s: ServeProcess, rate: number): Promise<{ ok: number; errors: number; lat: number[] }> {
  const lat: number[] = [];
  let ok = 0;
  let errors = 0;
  const requests = s.requests.map((r) => ({ method: r.method, path: r.path, headers: r.headers, body: r.body }));
  return new Promise((resolve, reject) => {
    const inst = autocannon({ url: s.inference, connections, overallRate: rate, duration: windowS, timeout: 10, requests }, (err) => (err ? reject(err) : resolve({ ok, errors, lat })));
    inst.on('response', (_c: unknown, status: number, _b: number, ms: number) => {
      if (status === 200) {
        ok++;
        lat.push(ms);
      } else errors++;
    });
    inst.on('reqError', () => errors++);
  });
}

async function main(): Promise<void> {
  const s = await startServe();
  const windows: Window[] = [];
  let max = 0;
  let rate = 0;
  try {
    max = await maxThroughput(s);
    rate = Math.max(1, Math.round(max * fraction));
    console.log(`maximum ${max.toFixed(0)} req/s with ${connections} connections; soaking at ${rate} req/s (${fraction * 100}%) for ${minutes} min`);
    const n = Math.max(1, Math.round((minutes * 60) / windowS));
    for (let i = 0; i < n; i++) {
      const r = await window(s, rate);
      r.lat.sort((a, b) => a - b);
      const w = { minute: Number((((i + 1) * windowS) / 60).toFixed(2)), ok: r.ok, errors: r.errors, rps: Math.round(r.ok / windowS), p50Ms: q(r.lat, 50), p99Ms: q(r.lat, 99), rssMB: Math.round((await s.rss()) / 2 ** 20) };
      windows.push(w);
      console.log(`t=${w.minute.toFixed(1)} min  ${w.rps} req/s  errors ${w.errors}  p50 ${w.p50Ms} ms  p99 ${w.p99Ms} ms  RSS ${w.rssMB} MB`);
    }
  } finally {
    await s.stop();
  }
  const errors = windows.reduce((a, w) => a + w.errors, 0);
  const ok = windows.reduce((a, w) => a + w.ok, 0);
  // Growth from the first window (models warm) to the last.
  const rssGrowth = windows.length > 1 ? Number(((windows.at(-1)!.rssMB - windows[0]!.rssMB) / windows[0]!.rssMB).toFixed(4)) : 0;
  const summary = { maxRps: Math.round(max), rate, ok, errors, rssGrowth, goals: { errors: 0, rssGrowth: '<= 0.10' } };
  console.log(`requests ok ${ok}, errors ${errors}, RSS growth ${(rssGrowth * 100).toFixed(1)}% (first to last window); ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)} (shared machine)`);
  await writeFileAtomic(join(PACKAGE_ROOT, 'bench', 'results', 'soak.json'), `${JSON.stringify({ date: new Date().toISOString(), minutes, windowSeconds: windowS, connections, fraction, cpus: cpus().length, loadavg: loadavg(), summary, windows }, null, 2)}\n`);
}

await main();
