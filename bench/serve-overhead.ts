// How much does mlserve's frontend cost? The same POST against three servers, one after the other,
// each in its own process: mlserve serve with the no-op (identity) model behind base_handler in a
// worker process, a bare node:http server answering the same bytes, and a FastAPI + uvicorn no-op
// (Debian python3-fastapi, python3-uvicorn). Load from the loadtest engine (autocannon clients,
// per-response sub-ms latencies), 100 connections; with `--wrk`, each server is measured a second
// time with wrk (Debian's wrk, one thread), a load generator in C that takes about half of
// autocannon's CPU per request (the generator shares the 2 cores with the servers). Prints the
// figures, with the CPU per request of each server process (/proc) and of the load generator —
// steadier than req/s on a shared machine — and writes bench/results/serve-overhead.json.
// Usage: node dist/bench/serve-overhead.js [seconds=15] [connections=100] [workers=1] [--wrk]
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { hasCommand, run, start } from '../src/exec.js';
import { writeFileAtomic } from '../src/fs/atomic.js';
import { CLI_PATH, PACKAGE_ROOT, RUNNING_FROM_SOURCE } from '../src/paths.js';
import { writeArchive } from '../src/archive/writer.js';
import { runEngine } from '../src/loadtest/autocannon-engine.js';
import { ensureFixtureModels } from '../fixtures/index.js';
import { childrenOf, cpuMeter } from './proc-cpu.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const withWrk = process.argv.includes('--wrk');
const seconds = Number(positional[0] ?? 15);
const connections = Number(positional[1] ?? 100);
const workers = Number(positional[2] ?? 1);
const BODY = Buffer.from('[[1,2,3,4]]');
const ANSWER = '{"output":[[1,2,3,4]]}';

const BARE = `
const http = require('node:http');
const body = Buffer.from(${JSON.stringify(ANSWER)});
const s = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(body); });
});
s.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ inference: 'http://127.0.0.1:' + s.address().port }) + '\\n'));
`;

const FASTAPI = `
from fastapi import FastAPI, Request, Response
app = FastAPI()
BODY = ${JSON.stringify(ANSWER)}.encode()
@app.post("/predictions/identity")
async def predict(request: Request):
    await request.body()
    return Response(content=BODY, media_type="application/json")
`;

type Child = ReturnType<typeof start>;

function firstLine(child: Child): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      buf += d;
      if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
    });
    void child.then((r) => reject(new Error(`server exited early: ${r.exitCode} ${String(r.stderr ?? '')}`)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitUp(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url, { method: 'POST', body: BODY });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not come up`);
}

interface Figures {
  server: string;
  requests: number;
  rps: number;
  errors: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** CPU µs per answered request: each server process (frontend, then workers), and the load generator. */
  cpu?: { servers: number[]; loadgen: number };
}

async function measure(server: string, origin: string, pids: number[]): Promise<Figures> {
  const req = { model: 'identity', method: 'POST', path: '/predictions/identity', headers: { 'content-type': 'application/json' }, body: BODY };
  const sink = (lat: number[], errs: { n: number }) => ({
    response: (_m: string, status: number, ms: number, steady: boolean) => {
      if (status !== 200) errs.n++;
      else if (steady) lat.push(ms);
    },
    timeout: () => errs.n++,
    connectionError: () => errs.n++,
  });
  await runEngine({ origin, connections, durationMs: 2000, timeoutMs: 10_000, requests: [req] }, sink([], { n: 0 })); // warm-up
  const lat: number[] = [];
  const errs = { n: 0 };
  const meter = cpuMeter(pids);
  await meter.start();
  await runEngine({ origin, connections, durationMs: seconds * 1000, timeoutMs: 10_000, requests: [req] }, sink(lat, errs));
  const cpu = await meter.stop(lat.length);
  lat.sort((a, b) => a - b);
  const q = (p: number) => Number((lat[Math.min(lat.length - 1, Math.ceil((p / 100) * lat.length) - 1)] ?? NaN).toFixed(3));
  return { server, requests: lat.length, rps: Math.round(lat.length / seconds), errors: errs.n, p50Ms: q(50), p90Ms: q(90), p99Ms: q(99), cpu };
}

/** wrk's --latency percentiles ("50%  1.23ms") in ms. */
function wrkPercentile(out: string, p: number): number {
  const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out);
  if (!m) return NaN;
  const unit = { us: 0.001, ms: 1, s: 1000 }[m[2] as 'us' | 'ms' | 's'];
  return Number((Number(m[1]) * unit).toFixed(3));
}

async function measureWrk(server: string, origin: string, dir: string): Promise<Figures> {
  const script = join(dir, 'post.lua');
  await writeFile(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(BODY.toString())}\nwrk.headers["Content-Type"] = "application/json"\n`);
  const url = `${origin}/predictions/identity`;
  await run('wrk', ['-t1', `-c${connections}`, '-d2s', '-s', script, url]); // warm-up
  const r = await run('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url]);
  const out = r.stdout;
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const bad = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = bad + (socketErrors ? socketErrors.slice(1).reduce((a, x) => a + Number(x), 0) : 0);
  return { server: `${server} [wrk]`, requests: total, rps: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN)), errors, p50Ms: wrkPercentile(out, 50), p90Ms: wrkPercentile(out, 90), p99Ms: wrkPercentile(out, 99) };
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  if (withWrk && !(await hasCommand('wrk'))) throw new Error('--wrk needs wrk on the PATH (apt-get install -y wrk)');
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-bench-'));
  const children: Child[] = [];
  const results: Figures[] = [];
  const wrkResults: Figures[] = [];
  const both = async (name: string, url: string, pids: number[]) => {
    results.push(await measure(name, url, pids));
    if (withWrk) wrkResults.push(await measureWrk(name, url, dir));
  };
  try {
    const fx = await ensureFixtureModels();
    await writeArchive({ modelName: 'identity', version: '1.0', serializedFile: fx.identity, handler: 'base_handler', exportPath: dir, archiveFormat: 'default', force: true });

    const ml = start(process.execPath, [...(RUNNING_FROM_SOURCE ? ['--import', 'tsx'] : []), CLI_PATH, 'serve', '--model-store', dir, '--models', 'identity=identity.mar', '--workers', String(workers),
      '--inference-address', '127.0.0.1:0', '--management-address', '127.0.0.1:0', '--metrics-address', '127.0.0.1:0', '--no-grpc',
      '--pid-file', join(dir, 'pid'), '--json'], { stdout: 'pipe', stderr: 'inherit', buffer: false });
    children.push(ml);
    const mlUrl = (JSON.parse(await firstLine(ml)) as { inference: string }).inference;
    await both(`mlserve serve (${workers} worker${workers > 1 ? 's' : ''}, identity.onnx via base_handler)`, mlUrl, [ml.pid!, ...(await childrenOf(ml.pid!))]);
    ml.kill('SIGTERM');

    const bare = start(process.execPath, ['-e', BARE], { stdout: 'pipe', stderr: 'inherit', buffer: false });
    children.push(bare);
    const bareUrl = (JSON.parse(await firstLine(bare)) as { inference: string }).inference;
    await both('bare node:http (same bytes)', bareUrl, [bare.pid!]);
    bare.kill('SIGTERM');

    await writeFile(join(dir, 'noop_app.py'), FASTAPI);
    const port = await freePort();
    const fa = start(existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3', ['-m', 'uvicorn', 'noop_app:app', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warning'], {
      cwd: dir, stdout: 'ignore', stderr: 'inherit', buffer: false,
    });
    children.push(fa);
    const faUrl = `http://127.0.0.1:${port}`;
    try {
      await waitUp(`${faUrl}/predictions/identity`);
      await both('FastAPI + uvicorn no-op', faUrl, [fa.pid!]);
    } catch (e) {
      console.error(`FastAPI skipped: ${(e as Error).message} (apt-get install -y python3-fastapi python3-uvicorn)`);
    }
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.allSettled(children);
    await rm(dir, { recursive: true, force: true });
  }
  const ratios = ([ml, bare, fa]: Figures[]) => ({
    vsBare: ml && bare ? Number((ml.rps / bare.rps).toFixed(2)) : null,
    vsFastapi: ml && fa ? Number((ml.rps / fa.rps).toFixed(2)) : null,
    // The bare server's CPU per request over mlserve's (frontend + worker): the ratio the machine's load distorts least.
    cpuVsBare: ml?.cpu && bare?.cpu ? Number((sum(bare.cpu.servers) / sum(ml.cpu.servers)).toFixed(2)) : null,
  });
  const summary = { ...ratios(results), ...(withWrk ? { wrk: ratios(wrkResults) } : {}), goals: { vsBare: '>= 0.7', vsFastapi: '>= 3', p99Ms: '<= 10' } };
  console.log(`\n${connections} connections, ${seconds} s each (after 2 s warm-up), ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)} (shared machine)`);
  for (const r of [...results, ...wrkResults]) {
    const cpu = r.cpu ? `  CPU µs/req: server ${r.cpu.servers.join(' + ')}, loadgen ${r.cpu.loadgen}` : '';
    console.log(`${r.server.padEnd(62)} ${String(r.rps).padStart(7)} req/s  p50 ${r.p50Ms} ms  p90 ${r.p90Ms} ms  p99 ${r.p99Ms} ms  errors ${r.errors}${cpu}`);
  }
  console.log(`mlserve / bare: ${summary.vsBare}×   mlserve / FastAPI: ${summary.vsFastapi}×   (autocannon)   CPU per request, bare / mlserve: ${summary.cpuVsBare}×`);
  if (summary.wrk) console.log(`mlserve / bare: ${summary.wrk.vsBare}×   mlserve / FastAPI: ${summary.wrk.vsFastapi}×   (wrk)`);
  await writeFileAtomic(
    join(PACKAGE_ROOT, 'bench', 'results', 'serve-overhead.json'),
    `${JSON.stringify({ date: new Date().toISOString(), seconds, connections, workers, cpus: cpus().length, loadavg: loadavg(), results, wrkResults, summary }, null, 2)}\n`,
  );
}

await main();
