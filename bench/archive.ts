// How fast does `mlserve archive` write a 1 GB model, and in how much memory, next to Debian's
// `zip` on the same files in the same run? A float32 weight blob (normal-ish values: real weights
// deflate by ~7-10%, like this) named model.onnx plus a handler and a label map are archived by
// each tool as a separate process under /usr/bin/time (wall seconds, peak RSS): mlserve's default
// format against `zip` (deflate level 6, its default and Python ZIP_DEFLATED's), and zip-store
// against `zip -0`. Runs alternate between the tools. Prints the figures and writes
// bench/results/archive.json.
// Usage: node dist/bench/archive.js [sizeMB=1024] [runs=1]
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { hasCommand, run } from '../src/exec.js';
import { writeFileAtomic } from '../src/fs/atomic.js';
import { CLI_PATH, PACKAGE_ROOT } from '../src/paths.js';
import { buildManifest, serializeManifest } from '../src/archive/manifest.js';

const sizeMB = Number(process.argv[2] ?? 1024);
const runs = Number(process.argv[3] ?? 1);

/** Writes `bytes` of float32 values ~N(0, 0.05) from a seeded generator, in 4 MiB chunks. */
async function writeWeights(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  let seed = 0x12345678;
  const next = () => {
    // xorshift32: fast, deterministic
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  const chunk = new Float32Array(1 << 20);
  for (let written = 0; written < bytes; ) {
    for (let i = 0; i < chunk.length; i++) chunk[i] = (next() + next() + next() - 1.5) * 0.1;
    const buf = Buffer.from(chunk.buffer, 0, Math.min(chunk.byteLength, bytes - written));
    written += buf.length;
    if (!out.write(buf)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

interface Measure {
  tool: string;
  format: string;
  seconds: number;
  peakRssMB: number;
  outputBytes: number;
}

/** Runs a command under GNU time; returns wall seconds and peak RSS. */
async function timed(cmd: string, args: string[], cwd: string, report: string): Promise<{ seconds: number; peakRssMB: number }> {
  const r = await run('/usr/bin/time', ['-f', '%e %M', '-o', report, cmd, ...args], { cwd, timeout: 30 * 60_000 });
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  const [secs, kb] = (await readFile(report, 'utf8')).trim().split(/\s+/).slice(-2).map(Number);
  return { seconds: secs!, peakRssMB: kb! / 1024 };
}

async function main(): Promise<void> {
  if (!existsSync('/usr/bin/time')) throw new Error('GNU time (/usr/bin/time) is needed to measure peak RSS: apt-get install -y time');
  const haveZip = await hasCommand('zip');
  if (!haveZip) console.log('zip is NOT installed: only mlserve is measured (apt-get install -y zip to compare)');
  const work = await mkdtemp(join(tmpdir(), 'mlserve-bench-archive-'));
  try {
    const src = join(work, 'src');
    await mkdir(join(src, 'MAR-INF'), { recursive: true });
    const bytes = sizeMB * 1024 * 1024;
    const t0 = Date.now();
    await writeWeights(join(src, 'model.onnx'), bytes);
    await writeFile(join(src, 'handler.js'), 'export async function inference(session, batch) { return session.run(batch); }\n');
    await writeFile(join(src, 'index_to_name.json'), JSON.stringify({ 0: 'no', 1: 'yes' }));
    // zip gets the same manifest file mlserve writes, so both archives hold the same files.
    const manifest = buildManifest({ modelName: 'bench', version: '1.0', serializedFile: 'model.onnx', handler: 'handler.js', exportPath: '', archiveFormat: 'default', force: true }, 'mlserve-js');
    await writeFile(join(src, 'MAR-INF', 'MANIFEST.json'), serializeManifest(manifest));
    console.log(`generated ${sizeMB} MiB of float32 weights in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const nodeArgs = [...process.execArgv, CLI_PATH];
    const mls = (format: string) => [
      ...nodeArgs,
      'archive',
      '--model-name',
      `bench-${format}`,
      '-v',
      '1.0',
      '--serialized-file',
      join(src, 'model.onnx'),
      '--handler',
      join(src, 'handler.js'),
      '--extra-files',
      join(src, 'index_to_name.json'),
      '--export-path',
      join(work, 'out'),
      '--archive-format',
      format,
      '--force',
    ];
    const results: Measure[] = [];
    const pairs: Array<[string, string]> = [
      ['default', '-6'],
      ['zip-store', '-0'],
    ];
    for (let i = 0; i < runs; i++) {
      for (const [format, level] of pairs) {
        // From the package root: under tsx the loader is resolved from the working folder.
        const m = await timed(process.execPath, mls(format), PACKAGE_ROOT, join(work, '.time'));
        results.push({ tool: 'mlserve', format, ...m, outputBytes: (await stat(join(work, 'out', `bench-${format}.mar`))).size });
        console.log(`mlserve archive --archive-format ${format}: ${m.seconds.toFixed(2)} s, peak RSS ${m.peakRssMB.toFixed(0)} MB`);
        if (!haveZip) continue;
        const target = join(work, 'out', `zip${level}.mar`);
        await rm(target, { force: true });
        const z = await timed('zip', ['-q', '-r', level, target, 'model.onnx', 'handler.js', 'index_to_name.json', 'MAR-INF/MANIFEST.json'], src, join(work, '.time'));
        results.push({ tool: 'zip', format: `zip ${level}`, ...z, outputBytes: (await stat(target)).size });
        console.log(`zip ${level}: ${z.seconds.toFixed(2)} s, peak RSS ${z.peakRssMB.toFixed(0)} MB`);
      }
    }
    const best = (tool: string, format: string) => Math.min(...results.filter((r) => r.tool === tool && r.format === format).map((r) => r.seconds));
    const peak = (tool: string) => Math.max(...results.filter((r) => r.tool === tool).map((r) => r.peakRssMB));
    const speedVsZip = haveZip ? best('zip', 'zip -6') / best('mlserve', 'default') : null;
    const storeSpeedVsZip = haveZip ? best('zip', 'zip -0') / best('mlserve', 'zip-store') : null;
    const summary = {
      bench: 'archive',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, loadavg: loadavg(), node: process.version, note: 'shared machine: other jobs were running' },
      model: { file: 'model.onnx (float32 weights)', bytes },
      runs,
      results,
      speedVsZip, // > 1: mlserve faster than zip (best run of each)
      storeSpeedVsZip,
      mlservePeakRssMB: peak('mlserve'),
      goals: { speedVsZip: '>= 0.8', peakRssMB: '<= 150', met: (speedVsZip === null || speedVsZip >= 0.8) && peak('mlserve') <= 150 },
    };
    console.log(`\nmlserve/zip speed (default vs zip -6): ${speedVsZip?.toFixed(2) ?? 'n/a'}x; (zip-store vs zip -0): ${storeSpeedVsZip?.toFixed(2) ?? 'n/a'}x; mlserve peak RSS ${summary.mlservePeakRssMB.toFixed(0)} MB`);
    const out = join(PACKAGE_ROOT, 'bench', 'results', 'archive.json');
    await writeFileAtomic(out, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`wrote ${out}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
