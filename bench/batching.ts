// Does dynamic batching pay? A compute-bound MLP (512 inputs, 4×1024 hidden: ~15 MB of weights,
// so batch 1 re-reads every weight per request) served twice by one mlserve server: batch_size 1
// and batch_size 8 (max_batch_delay 5 ms), each with one worker running one batch at a time (the
// TorchServe rule, worker_concurrency 1) on one ONNX Runtime thread. A closed-loop sweep over
// connections gives throughput and p90 at each level. "Throughput at equal p90": for every batch-1
// level, the best batch-8 level whose p90 is no higher; the ratio reported is the largest over the
// batch-1 levels (a p90 budget both can meet). Batch-1's own best level can have a p90 below
// max_batch_delay, which batch 8 cannot reach by design, so comparing only there says nothing.
// Writes bench/results/batching.json.
// Usage: node dist/bench/batching.js [seconds per level=3]
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { start } from '../src/exec.js';
import { writeFileAtomic } from '../src/fs/atomic.js';
import { CLI_PATH, PACKAGE_ROOT, RUNNING_FROM_SOURCE } from '../src/paths.js';
import { writeArchive } from '../src/archive/writer.js';
import { runEngine } from '../src/loadtest/autocannon-engine.js';
import { mlpModel } from '../fixtures/models.js';

const seconds = Number(process.argv[2] ?? 3);
const LEVELS = [1, 2, 4, 8, 16, 32];
const INPUTS = 512;

interface Level {
  connections: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  errors: number;
}

async function sweep(origin: string, model: string): Promise<Level[]> {
  const row = Float32Array.from({ length: INPUTS }, (_, i) => Math.sin(i));
  const req = { model, method: 'POST', path: `/predictions/${model}`, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(row.buffer) };
  const levels: Level[] = [];
  for (const connections of LEVELS) {
    const lat: number[] = [];
    let errors = 0;
    const sink = {
      response: (_m: string, status: number, ms: number, steady: boolean) => {
        if (status !== 200) errors++;
        else if (steady) lat.push(ms);
      },
      timeout: () => errors++,
      connectionError: () => errors++,
    };
    await runEngine({ origin, connections, durationMs: 1000, timeoutMs: 10_000, requests: [req] }, { ...sink, response: () => {} });
    await runEngine({ origin, connections, durationMs: seconds * 1000, timeoutMs: 10_000, requests: [req] }, sink);
    lat.sort((a, b) => a - b);
    const q = (p: number) => Number((lat[Math.max(0, Math.ceil((p / 100) * lat.length) - 1)] ?? NaN).toFixed(2));
    levels.push({ connections, rps: Math.round(lat.length / seconds), p50Ms: q(50), p90Ms: q(90), errors });
    console.log(`${model.padEnd(8)} ${String(connections).padStart(3)} conn  ${String(levels.at(-1)!.rps).padStart(6)} req/s  p50 ${q(50)} ms  p90 ${q(90)} ms  errors ${errors}`);
  }
  return levels;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-batching-'));
  const server = { child: undefined as ReturnType<typeof start> | undefined };
  try {
    await writeFile(join(dir, 'mlp.onnx'), mlpModel({ inputs: INPUTS, hidden: 1024, layers: 4, classes: 10 }));
    for (const [name, cfg] of [
      ['mlp1', 'batchSize: 1\nworkerConcurrency: 1\n'],
      ['mlp8', 'batchSize: 8\nmaxBatchDelay: 5\nworkerConcurrency: 1\n'],
    ] as const) {
      await writeFile(join(dir, `${name}.yaml`), cfg);
      await writeArchive({ modelName: name, version: '1.0', serializedFile: join(dir, 'mlp.onnx'), handler: 'base_handler', configFile: join(dir, `${name}.yaml`), exportPath: dir, archiveFormat: 'default', force: true });
    }
    const child = start(process.execPath, [...(RUNNING_FROM_SOURCE ? ['--import', 'tsx'] : []), CLI_PATH, 'serve', '--model-store', dir, '--models', 'mlp1.mar,mlp8.mar',
      '--inference-address', '127.0.0.1:0', '--management-address', '127.0.0.1:0', '--metrics-address', '127.0.0.1:0', '--no-grpc', '--pid-file', join(dir, 'pid'), '--json'],
      { stdout: 'pipe', stderr: 'inherit', buffer: false });
    server.child = child;
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
      });
      void child.then((r) => reject(new Error(`server exited: ${r.exitCode}`)));
    });
    const origin = (JSON.parse(line) as { inference: string }).inference;
    const b1 = await sweep(origin, 'mlp1');
    const b8 = await sweep(origin, 'mlp8');
    // Equal p90: each batch-1 level against the best batch-8 level with no higher p90.
    const pairs = b1.map((l1) => {
      const eligible = b8.filter((l) => l.p90Ms <= l1.p90Ms);
      const l8 = eligible.length ? eligible.reduce((a, b) => (b.rps > a.rps ? b : a)) : undefined;
      return { l1, l8, ratio: l8 ? l8.rps / l1.rps : 0 };
    });
    const bestPair = pairs.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    const best1 = bestPair.l1;
    const best8 = bestPair.l8;
    const ratio = best8 ? Number(bestPair.ratio.toFixed(2)) : null;
    console.log(`\nbatch 1 at ${best1.connections} conn: ${best1.rps} req/s at p90 ${best1.p90Ms} ms`);
    console.log(best8 ? `batch 8 at p90 <= ${best1.p90Ms} ms: ${best8.rps} req/s (${best8.connections} conn, p90 ${best8.p90Ms} ms) → ${ratio}× (goal >= 2×)` : 'batch 8 never reached a batch-1 p90');
    console.log(`${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)} (shared machine), ${seconds} s per level`);
    await writeFileAtomic(
      join(PACKAGE_ROOT, 'bench', 'results', 'batching.json'),
      `${JSON.stringify({ date: new Date().toISOString(), seconds, model: { inputs: INPUTS, hidden: 1024, layers: 4, classes: 10 }, batch1: b1, batch8: b8, equalP90: { p90Ms: best1.p90Ms, batch1Rps: best1.rps, batch8Rps: best8?.rps ?? null, ratio }, cpus: cpus().length, loadavg: loadavg() }, null, 2)}\n`,
    );
  } finally {
    server.child?.kill('SIGTERM');
    await server.child?.catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
