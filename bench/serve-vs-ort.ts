// How much of onnxruntime's own speed does the server keep? For one model and one batch size, in
// one run, each payload case is measured twice, side by side and repeated:
//  - the limit: one process decodes B request bodies, builds the batch tensor, runs the session,
//    encodes B answers (JSON.parse / JSON.stringify for JSON payloads), in a loop;
//  - the same model served by `mlserve serve` (one worker, one intra-op thread, batch_size B,
//    max_batch_delay 5 ms) under closed-loop load on loopback (the loadtest engine, autocannon).
// The ratio is served req/s over the limit's items/s. CPU per request of the frontend, the worker
// and the load generator (/proc/<pid>/stat, process.cpuUsage) and the limit's split of its time
// (decode, run, encode) say where the time goes. Every case checks one served answer against the
// limit's before it is timed. "Cores allow": the ratio the machine could carry at the CPU per
// request measured, against the limit: the lesser of cores / (frontend + worker + load generator),
// the load generator sharing the machine, and 1 / worker (one worker, one intra-op thread).
// Writes bench/results/serve-vs-ort-<model>-b<B>.json.
// Usage: node dist/bench/serve-vs-ort.js [--model matmul|ocr] [--batch 8] [--seconds 5]
//        [--connections 64] [--repeat 2] [--cases ts-json,raw,...] [--baseline <other build's dist/src/cli.js>]
// With --baseline, each case is also served by that build in the same round (A/B on the same load).
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { childrenOf, procCpuUs } from './proc-cpu.js';
import { start } from '../src/exec.js';
import { writeFileAtomic } from '../src/fs/atomic.js';
import { CLI_PATH, PACKAGE_ROOT, RUNNING_FROM_SOURCE } from '../src/paths.js';
import { writeArchive } from '../src/archive/writer.js';
import { runEngine } from '../src/loadtest/autocannon-engine.js';
import { writeModelFile } from '../fixtures/model-file.js';
import { matmulSpec } from '../fixtures/models.js';
import { OCR_CLS_DIR, OCR_CLS_MODEL, ocrImages } from '../fixtures/index.js';
import { preprocessImage, readImagePreprocess } from '../fixtures/ocr-preprocess.js';
import ort from '../src/onnxruntime.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const modelKind = flag('model', 'matmul') as 'matmul' | 'ocr';
const B = Number(flag('batch', '8'));
const seconds = Number(flag('seconds', '5'));
const connections = Number(flag('connections', '64'));
const repeat = Number(flag('repeat', '2'));
const baselineCli = flag('baseline', '');
const WIDTH = 2048;

type Feeds = Record<string, InstanceType<typeof ort.Tensor>>;
type Outputs = Awaited<ReturnType<ort.InferenceSession['run']>>;

/** One payload case: the request the clients send, and the limit's own decode and encode of it. */
interface Case {
  name: string;
  /** The batch of this case's limit and served model (default: --batch). */
  batch?: number;
  model: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  decode(bodies: Buffer[]): Feeds | Promise<Feeds>;
  encode(out: Outputs, n: number): Buffer[];
  /** The numbers an answer carries (to check the served answer against the limit's). */
  values(body: Buffer, headers: Headers): number[];
}

const input = Float32Array.from({ length: WIDTH }, (_, i) => Number(Math.sin(i * 0.37).toFixed(6)));
const nested = () => [Array.from(input)];
const rawInput = Buffer.from(input.buffer);

function rows(out: Outputs, n: number): Float32Array[] {
  const t = out.output!;
  const data = t.data as Float32Array;
  const w = data.length / n;
  return Array.from({ length: n }, (_, i) => data.subarray(i * w, (i + 1) * w));
}

function fillJson(bodies: Buffer[], pick: (v: unknown) => ArrayLike<number>): Feeds {
  const x = new Float32Array(bodies.length * WIDTH);
  bodies.forEach((b, i) => {
    const flat = pick(JSON.parse(b.toString('utf8')));
    for (let k = 0; k < WIDTH; k++) x[i * WIDTH + k] = flat[k]!;
  });
  return { input: new ort.Tensor('float32', x, [bodies.length, WIDTH]) };
}

function fillRaw(parts: Buffer[]): Feeds {
  const x = new Float32Array(parts.length * WIDTH);
  const bytes = new Uint8Array(x.buffer);
  parts.forEach((p, i) => bytes.set(p, i * WIDTH * 4));
  return { input: new ort.Tensor('float32', x, [parts.length, WIDTH]) };
}

const rowBytes = (r: Float32Array) => Buffer.from(r.buffer, r.byteOffset, r.byteLength);
const f32 = (b: Buffer) => Array.from(new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)));
const V2_HEAD = { name: 'input', shape: [1, WIDTH], datatype: 'FP32' };

function v2BinaryBody(): { body: Buffer; headerLength: number } {
  const head = Buffer.from(JSON.stringify({ inputs: [{ ...V2_HEAD, parameters: { binary_data_size: rawInput.length } }], outputs: [{ name: 'output', parameters: { binary_data: true } }] }));
  return { body: Buffer.concat([head, rawInput]), headerLength: head.length };
}

function matmulCases(model: string, suffix = ''): Case[] {
  const bin = v2BinaryBody();
  const json = { 'content-type': 'application/json' };
  return [
    {
      name: `ts-json${suffix}`, model, path: `/predictions/${model}`, headers: json, body: Buffer.from(JSON.stringify(nested())),
      decode: (b) => fillJson(b, (v) => (v as number[][])[0]!),
      encode: (o, n) => rows(o, n).map((r) => Buffer.from(JSON.stringify({ output: [Array.from(r)] }))),
      values: (b) => (JSON.parse(b.toString()) as { output: number[][] }).output.flat(),
    },
    {
      name: `v1-json${suffix}`, model, path: `/v1/models/${model}:predict`, headers: json, body: Buffer.from(JSON.stringify({ instances: nested() })),
      decode: (b) => fillJson(b, (v) => (v as { instances: number[][] }).instances[0]!),
      encode: (o, n) => rows(o, n).map((r) => Buffer.from(JSON.stringify({ predictions: [Array.from(r)] }))),
      values: (b) => (JSON.parse(b.toString()) as { predictions: number[][] }).predictions.flat(),
    },
    {
      name: `v2-json${suffix}`, model, path: `/v2/models/${model}/infer`, headers: json, body: Buffer.from(JSON.stringify({ inputs: [{ ...V2_HEAD, data: Array.from(input) }] })),
      decode: (b) => fillJson(b, (v) => (v as { inputs: Array<{ data: number[] }> }).inputs[0]!.data),
      encode: (o, n) => rows(o, n).map((r) => Buffer.from(JSON.stringify({ model_name: model, model_version: '1.0', outputs: [{ name: 'output', datatype: 'FP32', shape: [1, WIDTH], data: Array.from(r) }] }))),
      values: (b) => (JSON.parse(b.toString()) as { outputs: Array<{ data: number[] }> }).outputs[0]!.data,
    },
    {
      name: `raw${suffix}`, model, path: `/predictions/${model}`, headers: { 'content-type': 'application/octet-stream', accept: 'application/octet-stream' }, body: rawInput,
      decode: (b) => fillRaw(b),
      encode: (o, n) => rows(o, n).map(rowBytes),
      values: (b) => f32(b),
    },
    {
      name: `v2-binary${suffix}`, model, path: `/v2/models/${model}/infer`,
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(bin.headerLength) }, body: bin.body,
      decode: (bodies) => {
        const parts = bodies.map((b) => {
          const n = bin.headerLength;
          const head = JSON.parse(b.toString('utf8', 0, n)) as { inputs: Array<{ parameters: { binary_data_size: number } }> };
          return b.subarray(n, n + head.inputs[0]!.parameters.binary_data_size);
        });
        return fillRaw(parts);
      },
      encode: (o, n) =>
        rows(o, n).map((r) => {
          const head = Buffer.from(JSON.stringify({ model_name: model, model_version: '1.0', outputs: [{ name: 'output', datatype: 'FP32', shape: [1, WIDTH], parameters: { binary_data_size: r.byteLength } }] }));
          return Buffer.concat([head, rowBytes(r)]);
        }),
      // The limit's own answer has no headers: its tensor is the last WIDTH floats.
      values: (b, h) => f32(b.subarray(Number(h.get('inference-header-content-length') ?? b.length - WIDTH * 4))),
    },
  ];
}

async function ocrCases(): Promise<Case[]> {
  const cfg = await readImagePreprocess();
  const labels = JSON.parse(await readFile(join(OCR_CLS_DIR, 'index_to_name.json'), 'utf8')) as Record<string, string>;
  const { upright } = await ocrImages();
  const plane = 3 * cfg.height * cfg.width;
  return [
    {
      name: 'image', model: 'ocr', path: '/predictions/ocr', headers: { 'content-type': 'image/png' }, body: upright,
      decode: async (bodies) => {
        const x = new Float32Array(bodies.length * plane);
        await Promise.all(bodies.map(async (b, i) => x.set(await preprocessImage(b, cfg), i * plane)));
        return { x: new ort.Tensor('float32', x, [bodies.length, 3, cfg.height, cfg.width]) };
      },
      encode: (o, n) => {
        const p = Object.values(o)[0]!.data as Float32Array;
        return Array.from({ length: n }, (_, i) => {
          const top: Record<string, number> = {};
          [0, 1].sort((a, b) => p[i * 2 + b]! - p[i * 2 + a]!).forEach((j) => (top[labels[String(j)] ?? String(j)] = p[i * 2 + j]!));
          return Buffer.from(JSON.stringify(top));
        });
      },
      values: (b) => Object.entries(JSON.parse(b.toString()) as Record<string, number>).sort(([a], [c]) => a.localeCompare(c)).map(([, v]) => v),
    },
  ];
}

interface LimitFigures {
  itemsPerSec: number;
  cpuUsPerItem: number;
  usPerItem: { decode: number; run: number; encode: number };
}

async function limitLoop(session: ort.InferenceSession, c: Case, secs: number): Promise<LimitFigures> {
  const n = c.batch ?? B;
  const bodies = Array.from({ length: n }, () => c.body);
  const t = { decode: 0, run: 0, encode: 0 };
  let items = 0;
  const cpu0 = process.cpuUsage();
  const begin = performance.now();
  const end = begin + secs * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    const feeds = await c.decode(bodies);
    const t1 = performance.now();
    const out = await session.run(feeds);
    const t2 = performance.now();
    c.encode(out, n);
    const t3 = performance.now();
    t.decode += t1 - t0;
    t.run += t2 - t1;
    t.encode += t3 - t2;
    items += n;
  }
  const wall = (performance.now() - begin) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const per = (x: number) => Number(((x * 1000) / items).toFixed(1));
  return { itemsPerSec: Math.round(items / wall), cpuUsPerItem: Number(((cpu.user + cpu.system) / items).toFixed(1)), usPerItem: { decode: per(t.decode), run: per(t.run), encode: per(t.encode) } };
}

interface ServedFigures {
  rps: number;
  errors: number;
  statuses: Record<string, number>;
  cpuUsPerRequest: { frontend: number; worker: number; loadgen: number };
}

async function served(origin: string, c: Case, pids: { frontend: number; workers: number[] }, secs: number): Promise<ServedFigures> {
  const req = { model: c.model, method: 'POST', path: c.path, headers: c.headers, body: c.body };
  let ok = 0;
  let errors = 0;
  const statuses: Record<string, number> = {};
  const fail = (why: string) => {
    errors++;
    statuses[why] = (statuses[why] ?? 0) + 1;
  };
  const sink = { response: (_m: string, s: number) => (s === 200 ? ok++ : fail(String(s))), timeout: () => fail('timeout'), connectionError: () => fail('connection') };
  await runEngine({ origin, connections, durationMs: 1000, timeoutMs: 10_000, requests: [req] }, sink); // warm-up
  // The warm-up's last requests are still queued when its connections close: let them finish, or
  // the measured connections find them in the queue (past job_queue_size: 503).
  await new Promise((r) => setTimeout(r, 500));
  ok = 0;
  errors = 0;
  for (const k of Object.keys(statuses)) delete statuses[k];
  const cpuAll = async () => ({ fe: await procCpuUs(pids.frontend), w: (await Promise.all(pids.workers.map(procCpuUs))).reduce((a, b) => a + b, 0) });
  const before = await cpuAll();
  const gen0 = process.cpuUsage();
  await runEngine({ origin, connections, durationMs: secs * 1000, timeoutMs: 10_000, requests: [req] }, sink);
  const gen = process.cpuUsage(gen0);
  const after = await cpuAll();
  const per = (us: number) => Number((us / Math.max(1, ok)).toFixed(1));
  return { rps: Math.round(ok / secs), errors, statuses, cpuUsPerRequest: { frontend: per(after.fe - before.fe), worker: per(after.w - before.w), loadgen: per(gen.user + gen.system) } };
}

/** One served answer must carry the limit's numbers (the same model and input); the problem, if not. */
async function check(origin: string, c: Case, session: ort.InferenceSession): Promise<string | undefined> {
  const res = await fetch(`${origin}${c.path}`, { method: 'POST', headers: c.headers, body: c.body });
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) return `HTTP ${res.status}: ${body.toString().slice(0, 300)}`;
  let got: number[];
  try {
    got = c.values(body, res.headers);
  } catch (e) {
    return `unreadable answer (${res.headers.get('content-type')}): ${(e as Error).message}`;
  }
  const want = c.values(c.encode(await session.run(await c.decode([c.body])), 1)[0]!, new Headers());
  const bad = got.length !== want.length || got.some((v, i) => Math.abs(v - want[i]!) > 1e-4 * Math.max(1, Math.abs(want[i]!)));
  return bad ? `the served answer differs from the limit's (${got.length} vs ${want.length} values; first ${got[0]} vs ${want[0]})` : undefined;
}

function firstLine(child: ReturnType<typeof start>): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      buf += d;
      if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
    });
    void child.then((r) => reject(new Error(`server exited early: ${r.exitCode}`)));
  });
}

async function writeModel(dir: string, name: string, file: string, handler: string, batch: number, extra: string[] = [], config = ''): Promise<string> {
  const cfg = join(dir, `${name}-config.yaml`);
  const base = handler === 'image_classifier' ? await readFile(join(OCR_CLS_DIR, 'model-config.yaml'), 'utf8') : '';
  await writeFile(cfg, `${base}\nbatchSize: ${batch}\nmaxBatchDelay: 5\nintraOpThreads: 1\nminWorkers: 1\nmaxWorkers: 1\n${config}`);
  await writeArchive({ modelName: name, version: '1.0', serializedFile: file, handler, exportPath: dir, archiveFormat: 'default', force: true, configFile: cfg, extraFiles: extra });
  return `${name}=${name}.mar`;
}

/** `mlserve serve` of a build (its dist/src/cli.js) on the store: one worker per model, no gRPC. */
async function startServer(cli: string, dir: string, models: string[]): Promise<{ child: ReturnType<typeof start>; origin: string; pids: { frontend: number; workers: number[] } }> {
  const child = start(process.execPath, [...(RUNNING_FROM_SOURCE && cli === CLI_PATH ? ['--import', 'tsx'] : []), cli, 'serve', '--model-store', dir, '--models', models.join(','), '--workers', '1',
    '--inference-address', '127.0.0.1:0', '--management-address', '127.0.0.1:0', '--metrics-address', '127.0.0.1:0', '--no-grpc', '--no-snapshot',
    '--pid-file', join(dir, `pid-${cli.length}-${Date.now()}`), '--json'], { stdout: 'pipe', stderr: 'inherit', buffer: false });
  const ready = JSON.parse(await firstLine(child)) as { inference: string; pid: number };
  return { child, origin: ready.inference, pids: { frontend: ready.pid, workers: await childrenOf(ready.pid) } };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-vs-ort-'));
  const servers: Array<ReturnType<typeof start>> = [];
  try {
    let modelFile: string;
    let cases: Case[];
    const models: string[] = [];
    if (modelKind === 'ocr') {
      modelFile = OCR_CLS_MODEL;
      models.push(await writeModel(dir, 'ocr', modelFile, 'image_classifier', B, [join(OCR_CLS_DIR, 'index_to_name.json')]));
      cases = await ocrCases();
    } else {
      modelFile = join(dir, 'matmul.onnx');
      await writeModelFile(matmulSpec(WIDTH), modelFile);
      models.push(await writeModel(dir, 'matmul', modelFile, 'base_handler', B));
      cases = matmulCases('matmul');
      if (B > 1) {
        // The batching gain, in the same run: JSON and raw bodies at batch_size 1, with the worker's
        // run merging (its default) and with each request in its own session.run (mergeRuns: false,
        // TorchServe's way for a batch_size 1 model).
        models.push(await writeModel(dir, 'matmul_b1', modelFile, 'base_handler', 1));
        models.push(await writeModel(dir, 'matmul_b1_apart', modelFile, 'base_handler', 1, [], 'mergeRuns: false\n'));
        for (const [model, suffix] of [['matmul_b1', '@b1'], ['matmul_b1_apart', '@b1-apart']] as const) {
          cases.push(...matmulCases(model, suffix).filter((c) => c.name === `ts-json${suffix}` || c.name === `raw${suffix}`).map((c) => ({ ...c, batch: 1 })));
        }
      }
    }
    const only = flag('cases', '');
    if (only) cases = cases.filter((c) => only.split(',').includes(c.name));
    const session = await ort.InferenceSession.create(modelFile, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionProviders: ['cpu'] });

    const mine = await startServer(CLI_PATH, dir, models);
    servers.push(mine.child);
    const base = baselineCli ? await startServer(baselineCli, dir, models) : undefined;
    if (base) servers.push(base.child);
    const { origin, pids } = mine;

    // ratio: throughput against the limit's. cpuRatio: the limit's CPU per item over the server's
    // (frontend + worker) CPU per request, steadier than throughput on a machine shared with other
    // work, since it counts what each side burns rather than what the scheduler gave it.
    const rows: Array<{ case: string; limit: LimitFigures; served: ServedFigures; ratio: number; cpuRatio: number; ceiling: number; baseline?: ServedFigures & { ratio: number } }> = [];
    // A case whose answer is wrong is still timed (to keep figures of a server without a feature), and said.
    const problems: Record<string, string> = {};
    for (const c of cases) {
      const p = await check(origin, c, session);
      if (p) console.log(`${c.name}: ${(problems[c.name] = p)}`);
    }
    for (let r = 0; r < repeat; r++) {
      for (const c of cases) {
        await limitLoop(session, c, 0.5); // warm-up
        const limit = await limitLoop(session, c, seconds);
        const s = await served(origin, c, pids, seconds);
        const cpu = s.cpuUsPerRequest;
        const cpuRatio = Number((limit.cpuUsPerItem / (cpu.frontend + cpu.worker)).toFixed(2));
        // The most this machine allows at the CPU per request measured, as a ratio against the
        // limit: every core busy all the time (load generator included), and the one worker (one
        // intra-op thread) busy all the time.
        const allowed = Math.min((cpus().length * 1e6) / (cpu.frontend + cpu.worker + cpu.loadgen), 1e6 / cpu.worker);
        const ceiling = Number((allowed / limit.itemsPerSec).toFixed(2));
        rows.push({ case: c.name, limit, served: s, ratio: Number((s.rps / limit.itemsPerSec).toFixed(2)), cpuRatio, ceiling });
        if (base) {
          const b = await served(base.origin, c, base.pids, seconds);
          rows.at(-1)!.baseline = { ...b, ratio: Number((b.rps / limit.itemsPerSec).toFixed(2)) };
          const bc = b.cpuUsPerRequest;
          console.log(`${c.name.padEnd(13)} baseline served ${b.rps} req/s  ratio ${rows.at(-1)!.baseline!.ratio.toFixed(2)}  CPU µs/req: frontend ${bc.frontend} worker ${bc.worker} (this build: ${cpu.frontend} + ${cpu.worker})`);
        }
        const u = limit.usPerItem;
        console.log(
          `${c.name.padEnd(13)} limit ${String(limit.itemsPerSec).padStart(6)} items/s (decode ${u.decode} run ${u.run} encode ${u.encode} µs/item)  served ${String(s.rps).padStart(6)} req/s  ` +
            `ratio ${rows.at(-1)!.ratio.toFixed(2)}  CPU µs: limit ${limit.cpuUsPerItem}/item, served frontend ${cpu.frontend} worker ${cpu.worker} loadgen ${cpu.loadgen} /req (cpu ratio ${cpuRatio.toFixed(2)}, cores allow ${ceiling.toFixed(2)})${s.errors ? `  errors ${JSON.stringify(s.statuses)}` : ''}`,
        );
      }
    }
    const summary = Object.fromEntries(cases.map((c) => [c.name, median(rows.filter((x) => x.case === c.name).map((x) => x.ratio))]));
    const cpuSummary = Object.fromEntries(cases.map((c) => [c.name, median(rows.filter((x) => x.case === c.name).map((x) => x.cpuRatio))]));
    const ceilingSummary = Object.fromEntries(cases.map((c) => [c.name, median(rows.filter((x) => x.case === c.name).map((x) => x.ceiling))]));
    // Served batch_size B over batch_size 1 (runs merged, runs apart), and the limit's own gain from
    // batching (its batch-B loop over its batch-1 loop): the most batching can give on this payload.
    const med = (name: string, pick: (x: (typeof rows)[number]) => number) => {
      const xs = rows.filter((x) => x.case === name).map(pick);
      return xs.length > 0 ? median(xs) : NaN;
    };
    const gain = (a: number, b: number) => (Number.isFinite(a / b) ? Number((a / b).toFixed(2)) : undefined);
    type Gains = { overMerged?: number; overApart?: number; limit?: number };
    const batchingGains: Record<string, Gains> = Object.fromEntries(
      ['ts-json', 'raw']
        .map((p): [string, Gains] => [p, {
          overMerged: gain(med(p, (x) => x.served.rps), med(`${p}@b1`, (x) => x.served.rps)),
          overApart: gain(med(p, (x) => x.served.rps), med(`${p}@b1-apart`, (x) => x.served.rps)),
          limit: gain(med(p, (x) => x.limit.itemsPerSec), med(`${p}@b1`, (x) => x.limit.itemsPerSec)),
        }])
        .filter(([, g]) => Object.values(g).some((v) => v !== undefined)),
    );
    const batchingGain = batchingGains['ts-json']?.overMerged;
    console.log(`\n${modelKind}, batch ${B}, ${connections} connections, ${seconds} s per measure, ${repeat} rounds, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}`);
    console.log(`median ratio served/limit: ${Object.entries(summary).map(([k, v]) => `${k} ${v}`).join('  ')}`);
    console.log(`median CPU ratio limit/served: ${Object.entries(cpuSummary).map(([k, v]) => `${k} ${v}`).join('  ')}`);
    console.log(`median ratio the cores allow at that CPU per request: ${Object.entries(ceilingSummary).map(([k, v]) => `${k} ${v}`).join('  ')}`);
    if (base) {
      const baseSummary = Object.fromEntries(cases.map((c) => [c.name, median(rows.filter((x) => x.case === c.name).map((x) => x.baseline!.ratio))]));
      console.log(`median ratio served/limit, baseline build: ${Object.entries(baseSummary).map(([k, v]) => `${k} ${v}`).join('  ')}`);
    }
    for (const [p, g] of Object.entries(batchingGains)) {
      console.log(`dynamic batching, ${p}: served batch_size ${B} / batch_size 1 = ${g.overMerged ?? '—'}× (runs merged), ${g.overApart ?? '—'}× (mergeRuns: false); the limit's own batch ${B} / batch 1 = ${g.limit ?? '—'}×`);
    }
    await writeFileAtomic(
      join(PACKAGE_ROOT, 'bench', 'results', `serve-vs-ort-${modelKind}-b${B}.json`),
      `${JSON.stringify({ date: new Date().toISOString(), model: modelKind, batch: B, seconds, connections, repeat, cpus: cpus().length, loadavg: loadavg(), summary, cpuSummary, ceilingSummary, batchingGain, batchingGains, problems, rows }, null, 2)}\n`,
    );
  } finally {
    for (const sv of servers) sv.kill('SIGTERM');
    await Promise.allSettled(servers);
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
