// Benchmark of `mlserve trace`: profiles of the fixture models, the real PaddleOCR classifier and
// (with --bert-base) a BERT-base-sized encoder (12 layers, hidden 768, ≈440 MB; the AWS blog's
// bert-base-cased is "about 800 MB" of serving memory). Prints a table, writes
// bench/results/trace.json and bench/results/trace-profiles.yaml.
// Usage: node dist/bench/trace.js [--bert-base] [--duration 3s] [--rps 10] [--batch-size 8]
import { join } from 'node:path';
import { ensureFixtureModels, GENERATED_DIR, OCR_CLS_MODEL } from '../fixtures/index.js';
import { ensureModelFileBySize } from '../fixtures/model-file.js';
import { BERT_BASE, transformerSpec } from '../fixtures/transformer.js';
import { writeFileAtomic } from '../src/fs/atomic.js';
import { table } from '../src/output.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { traceModels } from '../src/trace/trace-models.js';
import { formatBytes, parseDurationMs } from '../src/units.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const durationMs = parseDurationMs(flag('--duration') ?? '3s');
const rps = Number(flag('--rps') ?? 10);
const batchSize = Number(flag('--batch-size') ?? 8);
const results = join(PACKAGE_ROOT, 'bench', 'results');

const f = await ensureFixtureModels();
const inputs = [f.identity, f.mlp, f.cnn, f.transformerTiny, f.transformerSmall, OCR_CLS_MODEL];
if (args.includes('--bert-base')) {
  process.stderr.write('writing bert-base.onnx (≈440 MB) unless present...\n');
  inputs.push(await ensureModelFileBySize(transformerSpec(BERT_BASE), join(GENERATED_DIR, 'bert-base.onnx')));
}

const started = Date.now();
const r = await traceModels(
  {
    inputs,
    processor: 'cpu',
    batchSize,
    rps,
    shapes: { x: [1, 3, 48, 192] },
    out: join(results, 'trace-profiles.yaml'),
    optimizedDir: join(GENERATED_DIR, 'optimized'),
    writeArchive: false,
    measure: { durationMs },
  },
  (e) => {
    if (e.phase === 'done' || e.phase === 'failed') process.stderr.write(`[trace] ${e.model ?? e.input} ${e.phase}${e.error ? `: ${e.error.message}` : ''}\n`);
  },
);

const rows = r.profiles.map((p) => {
  const m = p.measured as { loadMs: number; busyMsPerRequest: number; batch: { size: number; p50Ms?: number; busyMsPerRequest?: number }; memory: { afterLoad: string } };
  return [
    p.name,
    formatBytes(p.resources.c5!.memory),
    m.memory.afterLoad,
    m.loadMs.toFixed(0),
    p.latency!.p50Ms!,
    p.latency!.p99Ms!,
    m.busyMsPerRequest,
    p.resources.c5!.util,
    m.batch.p50Ms ?? '',
    m.batch.busyMsPerRequest ?? '',
  ];
});
process.stdout.write(
  `${table(['model', 'memory (peak)', 'after load', 'load ms', 'p50 ms', 'p99 ms', 'busy ms/req', `util % @${rps}rps`, `b${batchSize} p50 ms`, `b${batchSize} busy ms/req`], rows)}\n`,
);
process.stdout.write(`host: ${r.host.cpu}, ${r.host.logicalCpus} logical CPUs (shared), ${r.host.threads} intra-op thread; ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
for (const x of r.failures) process.stdout.write(`failed ${x.input}: ${x.code} ${x.message}\n`);
await writeFileAtomic(
  join(results, 'trace.json'),
  `${JSON.stringify({ date: new Date().toISOString(), durationMs, rps, batchSize, host: r.host, profiles: r.profiles, failures: r.failures }, null, 2)}\n`,
);
