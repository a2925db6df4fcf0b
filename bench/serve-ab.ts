// This build's `mlserve serve` against another build's (a baseline checkout), side by side: both
// serve the no-op identity model, and rounds alternate between them under the same load (loadtest
// engine, 100 connections), so a busy shared machine slows both alike. Prints each round, the
// medians and this build / baseline as ratios.
// Usage: node dist/bench/serve-ab.js <baseline dist/src/cli.js> [seconds=8] [rounds=3] [connections=100]
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { start } from '../src/exec.js';
import { CLI_PATH } from '../src/paths.js';
import { writeArchive } from '../src/archive/writer.js';
import { runEngine } from '../src/loadtest/autocannon-engine.js';
import { ensureFixtureModels } from '../fixtures/index.js';
import { childrenOf, cpuMeter } from './proc-cpu.js';

const [baselineCli, secondsArg, roundsArg, connArg] = process.argv.slice(2);
if (!baselineCli) throw new Error('usage: serve-ab.js <baseline cli.js> [seconds] [rounds] [connections]');
const seconds = Number(secondsArg ?? 8);
const rounds = Number(roundsArg ?? 3);
const connections = Number(connArg ?? 100);
const request = { model: 'identity', method: 'POST', path: '/predictions/identity', headers: { 'content-type': 'application/json' }, body: Buffer.from('[[1,2,3,4]]') };

/** Starts `mlserve serve` from a cli.js on the store; resolves with its inference URL. */
function serve(cli: string, store: string): { url: Promise<string>; pid: number; stop: () => Promise<unknown> } {
  const child = start(process.execPath, [cli, 'serve', '--model-store', store, '--models', 'identity=identity.mar', '--inference-address', '127.0.0.1:0',
    '--management-address', '127.0.0.1:0', '--metrics-address', '127.0.0.1:0', '--pid-file', join(store, `${cli.length}-${Date.now()}.pid`), '--no-snapshot', '--no-grpc', '--json', '--workers', '1'], { stdout: 'pipe', stderr: 'inherit', buffer: false });
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve((JSON.parse(out.slice(0, nl)) as { inference: string }).inference);
    });
    void child.then((r) => reject(new Error(`${cli} exited: ${r.exitCode}`)));
  });
  return { url, pid: child.pid!, stop: () => (child.kill('SIGTERM'), Promise.allSettled([child])) };
}

async function round(origin: string, pid: number): Promise<Figures> {
  const lat: number[] = [];
  let errors = 0;
  const sink = (keep: boolean) => ({
    response: (_m: string, status: number, ms: number, steady: boolean) => {
      if (status !== 200) errors++;
      else if (keep && steady) lat.push(ms);
    },
    timeout: () => errors++,
    connectionError: () => errors++,
  });
  await runEngine({ origin, connections, durationMs: 1000, timeoutMs: 10_000, requests: [request] }, sink(false));
  // CPU per request of the server's processes (frontend + workers): what a busy machine distorts least.
  const meter = cpuMeter([pid, ...(await childrenOf(pid))]);
  await meter.start();
  await runEngine({ origin, connections, durationMs: seconds * 1000, timeoutMs: 10_000, requests: [request] }, sink(true));
  const cpu = await meter.stop(lat.length);
  lat.sort((a, b) => a - b);
  return { rps: Math.round(lat.length / seconds), p99Ms: lat[Math.ceil(0.99 * lat.length) - 1] ?? NaN, errors, cpuUs: cpu.servers.reduce((a, b) => a + b, 0), split: cpu.servers };
}

interface Figures {
  rps: number;
  p99Ms: number;
  errors: number;
  /** CPU µs per request, frontend and workers together, and per process. */
  cpuUs: number;
  split: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const store = await mkdtemp(join(tmpdir(), 'mlserve-ab-'));
const fx = await ensureFixtureModels();
await writeArchive({ modelName: 'identity', version: '1.0', serializedFile: fx.identity, handler: 'base_handler', exportPath: store, archiveFormat: 'default', force: true });
const servers = [serve(CLI_PATH, store), serve(baselineCli, store)];
try {
  const urls = await Promise.all(servers.map((s) => s.url));
  const figures: Figures[][] = [[], []];
  for (let r = 0; r < rounds; r++) {
    for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) {
      const f = await round(urls[i]!, servers[i]!.pid);
      figures[i]!.push(f);
      console.log(`round ${r + 1} ${i === 0 ? 'this build' : 'baseline  '}: ${f.rps} req/s, p99 ${f.p99Ms.toFixed(2)} ms, errors ${f.errors}, CPU ${f.cpuUs.toFixed(1)} µs/req (${f.split.join(' + ')})`);
    }
  }
  const [mine, base] = figures.map((fs) => ({ rps: median(fs.map((f) => f.rps)), p99: median(fs.map((f) => f.p99Ms)), cpu: median(fs.map((f) => f.cpuUs)) }));
  console.log(`\n${connections} connections, ${seconds} s per round, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}`);
  console.log(`median: this build ${mine!.rps} req/s p99 ${mine!.p99.toFixed(2)} ms; baseline ${base!.rps} req/s p99 ${base!.p99.toFixed(2)} ms`);
  console.log(`CPU per request (frontend + worker): this build ${mine!.cpu.toFixed(1)} µs, baseline ${base!.cpu.toFixed(1)} µs`);
  console.log(`this build / baseline: ${(mine!.rps / base!.rps).toFixed(3)}× req/s, ${(mine!.p99 / base!.p99).toFixed(3)}× p99, ${(base!.cpu / mine!.cpu).toFixed(3)}× requests per CPU second`);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  await rm(store, { recursive: true, force: true });
}
