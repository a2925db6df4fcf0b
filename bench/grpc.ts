// gRPC against HTTP on the same model and server: KServe v2 ModelInfer with raw_input_contents
// (gRPC), the same request as HTTP v2 with the binary tensor extension, and as HTTP v2 JSON. One
// `mlserve serve` process (one worker), an identity model on an FP32 [1, WIDTH] tensor; the load
// comes from this process, `concurrency` requests in flight, a closed loop per mode with Node
// clients on both sides (grpc-js; node:http with keep-alive). Modes take turns in rounds so that
// drift in the shared machine's load hits all three alike; the figures are each mode's median round.
// The clients differ in cost (grpc-js against node:http), so the server frontend's own CPU per
// request is reported too: that is the server-side comparison.
// Prints a table and writes bench/results/grpc-w<width>.json.
// Usage: node dist/bench/grpc.js [seconds-per-round=5] [rounds=3] [concurrency=32] [width=1024]
import { Agent, request } from 'node:http';
import { credentials } from '@grpc/grpc-js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { start } from '../src/exec.js';
import { writeFileAtomic } from '../src/fs/atomic.js';
import { CLI_PATH, PACKAGE_ROOT, RUNNING_FROM_SOURCE } from '../src/paths.js';
import { DataType, GraphBuilder, modelBytes, tensorInfo } from '../fixtures/onnx-graph.js';
import { addModelFolder } from '../fixtures/tiny-store.js';
import { grpcClients } from '../test/serve/grpc-client.js';

const [seconds = 5, rounds = 3, concurrency = 32, width = 1024] = process.argv.slice(2).map(Number);

function identityModel(): Uint8Array {
  const g = new GraphBuilder(0);
  g.op('Identity', ['input'], {}, 'output');
  return modelBytes(g.build('wide', 'Identity on a wide FP32 tensor.', [tensorInfo('input', DataType.FLOAT, ['N', width])], [tensorInfo('output', DataType.FLOAT, ['N', width])]));
}

interface Round {
  requests: number;
  errors: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU of the server's frontend process per answered request (its workers not included: they do the same work in every mode). */
  serverCpuUs: number;
}

/** user + system CPU of a process so far, in µs (/proc/<pid>/stat, clock ticks of 10 ms). */
async function cpuMicros(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** `concurrency` loops calling `once` until the time is up; latencies of the successful calls. */
async function closedLoop(once: () => Promise<void>, ms: number, pid: number): Promise<Round> {
  const cpu0 = await cpuMicros(pid);
  const lat: number[] = [];
  let errors = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await once();
          lat.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  const serverCpuUs = Math.round(((await cpuMicros(pid)) - cpu0) / Math.max(1, lat.length));
  lat.sort((a, b) => a - b);
  const q = (p: number) => Number((lat[Math.min(lat.length - 1, Math.ceil(p * lat.length) - 1)] ?? NaN).toFixed(3));
  return { requests: lat.length, errors, rps: Math.round(lat.length / (ms / 1000)), p50Ms: q(0.5), p99Ms: q(0.99), serverCpuUs };
}

function post(agent: Agent, url: URL, body: Buffer, headers: Record<string, string | number>): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': body.length } }, (res) => {
      res.on('data', () => {});
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-bench-grpc-'));
  await addModelFolder(dir, 'wide', 0, { onnx: identityModel() });
  const child = start(process.execPath, [...(RUNNING_FROM_SOURCE ? ['--import', 'tsx'] : []), CLI_PATH, 'serve', '--model-store', dir, '--models', 'all',
    '--inference-address', '127.0.0.1:0', '--management-address', '127.0.0.1:0', '--metrics-address', '127.0.0.1:0',
    '--grpc-inference-address', '127.0.0.1:0', '--grpc-management-address', '127.0.0.1:0', '--no-snapshot', '--pid-file', join(dir, 'pid'), '--json'], { cwd: PACKAGE_ROOT });
  const ready = await new Promise<{ inference: string; grpcInference: string }>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]!) as { inference: string; grpcInference: string });
    });
    void child.then((r) => reject(new Error(`serve exited: ${String(r.stderr)}`)));
  });
  const values = Float32Array.from({ length: width }, (_, i) => (i % 97) / 7);
  const raw = Buffer.from(values.buffer);
  const input = { name: 'input', datatype: 'FP32', shape: [1, width] };
  const header = Buffer.from(JSON.stringify({ inputs: [{ ...input, parameters: { binary_data_size: raw.length } }], parameters: { binary_data_output: true } }));
  const binaryBody = Buffer.concat([header, raw]);
  const jsonBody = Buffer.from(JSON.stringify({ inputs: [{ ...input, data: Array.from(values) }] }));
  const url = new URL(`${ready.inference}/v2/models/wide/infer`);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const grpc = grpcClients(ready.grpcInference, undefined, credentials.createInsecure(), { 'grpc.enable_channelz': 0 });
  const modes: Record<string, () => Promise<void>> = {
    'gRPC ModelInfer (raw contents)': () => grpc.kserve('ModelInfer', { model_name: 'wide', inputs: [input], raw_input_contents: [raw] }).then(() => {}),
    'HTTP v2 binary extension': () => post(agent, url, binaryBody, { 'content-type': 'application/octet-stream', 'inference-header-content-length': header.length }),
    'HTTP v2 JSON': () => post(agent, url, jsonBody, { 'content-type': 'application/json' }),
  };
  const rounds_: Record<string, Round[]> = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
  try {
    const pid = child.pid!;
    for (const once of Object.values(modes)) await closedLoop(once, 1500, pid); // warm-up
    for (let r = 0; r < rounds; r++) for (const [m, once] of Object.entries(modes)) rounds_[m]!.push(await closedLoop(once, seconds * 1000, pid));
  } finally {
    grpc.close();
    agent.destroy();
    child.kill('SIGTERM');
    await child.catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
  const median = (rs: Round[]) => [...rs].sort((a, b) => a.rps - b.rps)[Math.floor(rs.length / 2)]!;
  const base = median(rounds_['HTTP v2 JSON']!);
  const results = Object.entries(rounds_).map(([mode, rs]) => {
    const m = median(rs);
    return { mode, ...m, rpsVsJson: Number((m.rps / base.rps).toFixed(2)), p99VsJson: Number((m.p99Ms / base.p99Ms).toFixed(2)), rounds: rs };
  });
  console.log(`tensor FP32 [1, ${width}] (${raw.length} bytes; JSON body ${jsonBody.length} bytes), ${concurrency} in flight, ${rounds} rounds × ${seconds} s, median round`);
  console.log('mode                              req/s   p50 ms   p99 ms   req/s vs JSON   p99 vs JSON   frontend CPU µs/req   errors');
  for (const r of results) {
    console.log(`${r.mode.padEnd(32)} ${String(r.rps).padStart(6)} ${r.p50Ms.toFixed(2).padStart(8)} ${r.p99Ms.toFixed(2).padStart(8)} ${r.rpsVsJson.toFixed(2).padStart(15)} ${r.p99VsJson.toFixed(2).padStart(13)} ${String(r.serverCpuUs).padStart(21)} ${String(r.errors).padStart(8)}`);
  }
  await writeFileAtomic(
    join(PACKAGE_ROOT, 'bench', 'results', `grpc-w${width}.json`),
    `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, loadavg: loadavg() }, width, concurrency, seconds, rounds, results }, null, 2)}\n`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
