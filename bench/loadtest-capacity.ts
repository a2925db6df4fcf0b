// How fast can mlserve's load generator drive a trivial server here, next to wrk against the same
// server in the same run? The server (node:http, answers every request with a small JSON body) runs
// in its own process; mlserve's figure comes from the same engine `mlserve loadtest` uses (autocannon
// clients, per-response sub-ms latencies, pipelining 1). Prints both and writes
// bench/results/loadtest-capacity.json (the highest rate of each tool over two interleaved rounds).
// Usage: node dist/bench/loadtest-capacity.js [seconds per run, default 5]
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { start, run, hasCommand } from '../src/exec.js';
import { writeFileAtomic } from '../src/fs/atomic.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { runLevel } from '../src/loadtest/run-level.js';
import { modelRequest } from '../src/loadtest/targets.js';
import { EMPTY_PAYLOAD } from '../src/loadtest/payloads.js';

const SERVER = `
const http = require('node:http');
const body = Buffer.from('{"ok":true}');
const s = http.createServer({ keepAlive: true }, (req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
s.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: s.address().port }) + '\\n'));
process.on('SIGTERM', () => s.close(() => process.exit(0)));
`;

const seconds = Number(process.argv[2] ?? 5);

async function startServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = start(process.execPath, ['-e', SERVER], { stdout: 'pipe', stderr: 'inherit', buffer: false });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      buf += d;
      if (buf.includes('\n')) resolve((JSON.parse(buf.split('\n')[0]!) as { port: number }).port);
    });
    void child.then((r) => reject(new Error(`server exited: ${r.exitCode}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

async function mlserveRate(url: string, concurrency: number) {
  const seq = [modelRequest({ model: 'noop', inference: url, predictUrl: `${url}/predictions/noop` }, EMPTY_PAYLOAD)];
  const l = await runLevel({ concurrency, durationMs: seconds * 1000, timeoutMs: 10_000, sequence: seq });
  return { tool: 'mlserve', concurrency, requestsPerSecond: Math.round(l.requestsPerSecond), p50Ms: l.latencyMs.p50, p99Ms: l.latencyMs.p99, generatorCpu: +l.generatorCpu.toFixed(2), generatorEventLoop: +l.generatorEventLoop.toFixed(2), errors: l.responses - l.ok + l.timeouts + l.connectionErrors };
}

/** Bare autocannon with the same options and no per-response listener: the cost of mlserve's bookkeeping. */
async function autocannonRate(url: string, concurrency: number) {
  const autocannon = createRequire(import.meta.url)('autocannon') as (o: Record<string, unknown>, cb: (e: Error | null, r: { requests: { total: number }; duration: number }) => void) => unknown;
  const r = await new Promise<{ requests: { total: number }; duration: number }>((resolve, reject) =>
    autocannon({ url: `${url}/predictions/noop`, method: 'POST', headers: { 'content-length': '0' }, connections: concurrency, pipelining: 1, duration: seconds }, (e, res) => (e ? reject(e) : resolve(res))),
  );
  return { tool: 'autocannon (bare)', concurrency, requestsPerSecond: Math.round(r.requests.total / r.duration) };
}

async function wrkRate(url: string, concurrency: number, threads: number, script: string) {
  const r = await run('wrk', [`-t${threads}`, `-c${concurrency}`, `-d${seconds}s`, '-s', script, `${url}/predictions/noop`]);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  if (!m) throw new Error(`could not read wrk's output:\n${r.stdout}\n${r.stderr}`);
  return { tool: `wrk -t${threads}`, concurrency, requestsPerSecond: Math.round(Number(m[1])) };
}

async function main(): Promise<void> {
  if (!(await hasCommand('wrk'))) throw new Error('wrk is not installed (Debian: apt-get install -y wrk)');
  const dir = await mkdtemp(join(tmpdir(), 'mls-bench-'));
  const script = join(dir, 'post.lua');
  await writeFile(script, 'wrk.method = "POST"\nwrk.headers["content-length"] = "0"\n');
  const server = await startServer();
  const loadBefore = loadavg()[0]!;
  const rows: Array<Record<string, unknown>> = [];
  try {
    // Interleaved, two rounds: the machine is shared and its load drifts, so running one tool's
    // runs back to back would compare the tools at different moments.
    for (let round = 0; round < 2; round++) {
      for (const c of [50, 100]) {
        rows.push(await mlserveRate(server.url, c));
        rows.push(await wrkRate(server.url, c, 1, script));
      }
      rows.push(await autocannonRate(server.url, 50));
      rows.push(await wrkRate(server.url, 100, 2, script));
    }
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  for (const r of rows) console.log(`${String(r.tool).padEnd(18)} c=${String(r.concurrency).padEnd(4)} ${String(r.requestsPerSecond).padStart(7)} req/s${r.generatorCpu !== undefined ? `  generator CPU ${Math.round(Number(r.generatorCpu) * 100)}% of a core, event loop busy ${Math.round(Number(r.generatorEventLoop) * 100)}%, p50 ${Number(r.p50Ms).toFixed(3)} ms` : ''}`);
  const best = (tool: string) => Math.max(...rows.filter((r) => String(r.tool).startsWith(tool)).map((r) => Number(r.requestsPerSecond)));
  const summary = { mlserve: best('mlserve'), wrk: best('wrk') };
  console.log(`highest: mlserve ${summary.mlserve} req/s, wrk ${summary.wrk} req/s (ratio ${(summary.mlserve / summary.wrk).toFixed(2)})`);
  const out = join(PACKAGE_ROOT, 'bench', 'results', 'loadtest-capacity.json');
  await writeFileAtomic(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), cpus: cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: loadavg()[0], secondsPerRun: seconds, note: 'shared machine: other processes were running', summary, runs: rows }, null, 2)}\n`,
  );
  console.log(`wrote ${out}`);
}

await main();
