// What does a Python worker cost? Two comparisons, each run side by side in one script:
//  1. the same no-op handler in JavaScript and in Python, as two models of one `mlserve serve`,
//     under the same load (loadtest engine, N connections): the Python worker's overhead against
//     the Node worker's, both behind the same frontend, queue and frames;
//  2. a TorchScript MLP served through a BaseHandler subclass against the same model called from
//     one Python loop (`model(x)` under torch.no_grad, batch 1): the limit a Python worker
//     cannot pass on one process.
// Archives are built with mlserve's archive writer (.py handlers, a .pt serialized file). Needs a
// python3 with torch for part 2 (Debian: apt-get install python3-torch); part 1 needs any python3.
// On a shared machine the load drifts: the servers are measured in alternating windows (JS, Python,
// MLP, JS, ...) for `rounds` rounds and the medians are compared.
// Usage: node dist/bench/python-worker.js [seconds=5] [connections=32] [rounds=3]
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { start } from '../src/exec.js';
import { writeFileAtomic } from '../src/fs/atomic.js';
import { CLI_PATH, PACKAGE_ROOT, RUNNING_FROM_SOURCE } from '../src/paths.js';
import { writeArchive } from '../src/archive/writer.js';
import { runEngine, type EngineRequest } from '../src/loadtest/autocannon-engine.js';
import { findInterpreter } from '../src/serve/frontend/python-env.js';
import { ensureFixtureModels } from '../fixtures/index.js';

const [secondsArg, connArg, roundsArg] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 5);
const connections = Number(connArg ?? 32);
const rounds = Number(roundsArg ?? 3);

const NOOP_JS = 'export function handle(requests) { return requests.map((r) => r.body); }\n';
const NOOP_PY = 'def handle(data, context):\n    return None if data is None else [row.get("body") for row in data]\n';
const MLP_HANDLER = `
import torch
from ts.torch_handler.base_handler import BaseHandler

class Mlp(BaseHandler):
    def preprocess(self, data):
        return torch.tensor([row.get("body") for row in data], dtype=torch.float32)
`;
const MAKE_MLP = `
import sys, torch
torch.manual_seed(0)
m = torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
torch.jit.trace(m.eval(), torch.zeros(1, 64)).save(sys.argv[1])
`;
/** The limit: the same TorchScript model called in one Python loop, batch 1 (calls per second). */
const RAW_LOOP = `
import sys, time, torch
torch.set_num_threads(1)
m = torch.jit.load(sys.argv[1]).eval()
x = torch.tensor([[0.5] * 64], dtype=torch.float32)
with torch.no_grad():
    for _ in range(500): m(x)
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < float(sys.argv[2]):
        m(x); n += 1
print(n / (time.perf_counter() - t0))
`;

interface Figures {
  name: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** One window of `seconds` (after a 1 s warm-up) against one model. */
async function measure(name: string, origin: string, req: EngineRequest): Promise<Figures> {
  const lat: number[] = [];
  let errors = 0;
  const sink = (keep: boolean) => ({
    response: (_m: string, status: number, ms: number, steady: boolean) => {
      if (status !== 200) errors += keep ? 1 : 0;
      else if (keep && steady) lat.push(ms);
    },
    timeout: () => (errors += keep ? 1 : 0),
    connectionError: () => (errors += keep ? 1 : 0),
  });
  await runEngine({ origin, connections, durationMs: 1000, timeoutMs: 10_000, requests: [req] }, sink(false));
  await runEngine({ origin, connections, durationMs: seconds * 1000, timeoutMs: 10_000, requests: [req] }, sink(true));
  lat.sort((a, b) => a - b);
  const q = (p: number) => Number((lat[Math.min(lat.length - 1, Math.ceil((p / 100) * lat.length) - 1)] ?? NaN).toFixed(3));
  return { name, rps: Math.round(lat.length / seconds), p50Ms: q(50), p99Ms: q(99), errors };
}

async function torchPython(): Promise<string | undefined> {
  for (const c of [process.env.MLSERVE_PYTHON, '/usr/bin/python3', 'python3']) {
    const p = c ? await findInterpreter(c) : undefined;
    if (!p) continue;
    try {
      execFileSync(p, ['-c', 'import torch'], { stdio: 'ignore' });
      return p;
    } catch {
      // no torch in this one
    }
  }
  return undefined;
}

async function main(): Promise<void> {
  const python = await torchPython();
  const anyPython = python ?? (await findInterpreter('python3'));
  if (!anyPython) throw new Error('no python3 found: set MLSERVE_PYTHON');
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-pybench-'));
  const fx = await ensureFixtureModels();
  const archive = async (modelName: string, handler: string, source: string, serializedFile?: string) => {
    const file = join(dir, handler);
    await writeFile(file, source);
    await writeArchive({ modelName, version: '1.0', serializedFile, handler: file, exportPath: join(dir, 'store'), archiveFormat: 'default', force: true });
  };
  await archive('noop_js', 'noop.mjs', NOOP_JS, fx.identity);
  await archive('noop_py', 'noop.py', NOOP_PY);
  const models = ['noop_js=noop_js.mar', 'noop_py=noop_py.mar'];
  const pt = join(dir, 'mlp.pt');
  if (python) {
    execFileSync(python, ['-c', MAKE_MLP, pt]);
    await archive('mlp_pt', 'mlp_handler.py', MLP_HANDLER, pt);
    models.push('mlp_pt=mlp_pt.mar');
  }
  const server = start(process.execPath, [...(RUNNING_FROM_SOURCE ? ['--import', 'tsx'] : []), CLI_PATH, 'serve', '--model-store', join(dir, 'store'), '--models', models.join(','),
    '--python', anyPython, '--inference-address', '127.0.0.1:0', '--management-address', '127.0.0.1:0', '--metrics-address', '127.0.0.1:0',
    '--pid-file', join(dir, 'pid'), '--no-snapshot', '--json'], { stdout: 'pipe', stderr: 'inherit', buffer: false, env: { OMP_NUM_THREADS: '1' } });
  const results: Figures[] = [];
  let rawRps: number | undefined;
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      let buf = '';
      server.stdout!.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        if (buf.includes('\n')) resolve((JSON.parse(buf.split('\n')[0]!) as { inference: string }).inference);
      });
      void server.then((r) => reject(new Error(`mlserve serve exited early (${r.exitCode})`)), reject);
    });
    const req = (model: string, body: string, type: string): EngineRequest => ({ model, method: 'POST', path: `/predictions/${model}`, headers: { 'content-type': type }, body: Buffer.from(body) });
    const targets: Array<[string, EngineRequest]> = [
      ['no-op JavaScript handler (Node worker)', req('noop_js', 'ping', 'application/octet-stream')],
      ['no-op Python handler (Python worker)', req('noop_py', 'ping', 'application/octet-stream')],
    ];
    if (python) targets.push(['TorchScript MLP 64-256-256-10 via BaseHandler', req('mlp_pt', JSON.stringify(Array(64).fill(0.5)), 'application/json')]);
    const windows: Figures[][] = targets.map(() => []);
    const raw: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const [i, [name, request]] of targets.entries()) windows[i]!.push(await measure(name, origin, request));
      if (python) raw.push(Number(execFileSync(python, ['-c', RAW_LOOP, pt, String(seconds)], { env: { ...process.env, OMP_NUM_THREADS: '1' } }).toString().trim()));
    }
    // The window with the median throughput stands for each target.
    for (const w of windows) results.push([...w].sort((a, b) => a.rps - b.rps)[Math.floor(w.length / 2)]!);
    if (raw.length > 0) rawRps = Math.round([...raw].sort((a, b) => a - b)[Math.floor(raw.length / 2)]!);
  } finally {
    server.kill('SIGTERM');
    await server.catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
  const [js, py, mlp] = results;
  const summary = {
    pythonVsJsNoop: js && py ? Number((py.rps / js.rps).toFixed(2)) : null,
    servedVsRawTorch: mlp && rawRps ? Number((mlp.rps / rawRps).toFixed(2)) : null,
    rawTorchCallsPerSecond: rawRps ?? null,
  };
  console.log(`\n${connections} connections, median of ${rounds} alternating windows of ${seconds} s (after 1 s warm-up each), ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}; python ${anyPython}`);
  for (const r of results) console.log(`${r.name.padEnd(50)} ${String(r.rps).padStart(7)} req/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  errors ${r.errors}`);
  if (rawRps) console.log(`${'same MLP, raw torch loop in one Python process'.padEnd(50)} ${String(rawRps).padStart(7)} calls/s`);
  console.log(`Python / JS no-op: ${summary.pythonVsJsNoop}×   served MLP / raw torch loop: ${summary.servedVsRawTorch ?? 'n/a (no torch)'}×`);
  await writeFileAtomic(
    join(PACKAGE_ROOT, 'bench', 'results', 'python-worker.json'),
    `${JSON.stringify({ date: new Date().toISOString(), seconds, rounds, connections, cpus: cpus().length, loadavg: loadavg(), python: anyPython, results, rawTorchCallsPerSecond: rawRps ?? null, summary }, null, 2)}\n`,
  );
}

await main();
