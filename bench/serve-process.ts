// The server the hardening benchmarks (soak, success-rate) drive: `mlserve serve` as its own
// process on loopback port 0 with three fixture models (identity, mlp, the real OCR classifier),
// plus what they sample from it (resident memory of the server and its workers).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start } from '../src/exec.js';
import { CLI_PATH, RUNNING_FROM_SOURCE } from '../src/paths.js';
import { writeArchive } from '../src/archive/writer.js';
import { ensureFixtureModels, OCR_CLS_MODEL } from '../fixtures/index.js';
import type { EngineRequest } from '../src/loadtest/autocannon-engine.js';

export interface ServeProcess {
  pid: number;
  inference: string;
  management: string;
  /** The request mix: small models often, the CNN sometimes. */
  requests: EngineRequest[];
  /** Resident memory of the server and all its workers, in bytes. */
  rss(): Promise<number>;
  stop(): Promise<void>;
}

function rssOf(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
  } catch {
    return 0;
  }
}

export async function startServe(extraArgs: string[] = []): Promise<ServeProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-bench-'));
  const fx = await ensureFixtureModels();
  const one = (modelName: string, serializedFile: string) =>
    writeArchive({ modelName, version: '1.0', serializedFile, handler: 'base_handler', exportPath: dir, archiveFormat: 'default', force: true });
  await one('identity', fx.identity);
  await one('mlp', fx.mlp);
  await one('ocr', OCR_CLS_MODEL);
  const child = start(process.execPath, [...(RUNNING_FROM_SOURCE ? ['--import', 'tsx'] : []), CLI_PATH, 'serve', '--model-store', dir, '--models', 'all',
    '--inference-address', '127.0.0.1:0', '--management-address', '127.0.0.1:0', '--metrics-address', '127.0.0.1:0', '--no-grpc',
    '--pid-file', join(dir, 'pid'), '--no-snapshot', '--json', ...extraArgs], { stdout: 'pipe', stderr: 'ignore', buffer: false });
  const ready = await new Promise<{ pid: number; inference: string; management: string }>((resolve, reject) => {
    let buf = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]!) as { pid: number; inference: string; management: string });
    });
    void child.then((r) => reject(new Error(`mlserve serve exited early (${r.exitCode})`)), reject);
  });
  const json = { 'content-type': 'application/json' };
  const mlpRow = JSON.stringify([Array.from({ length: 16 }, (_, i) => Math.sin(i))]);
  const image = JSON.stringify([Array.from({ length: 3 }, () => Array.from({ length: 48 }, () => Array.from({ length: 192 }, () => 0.5)))]);
  const req = (model: string, body: string): EngineRequest => ({ model, method: 'POST', path: `/predictions/${model}`, headers: json, body: Buffer.from(body) });
  const identity = req('identity', '[[1,2,3,4]]');
  const mlp = req('mlp', mlpRow);
  const ocr = req('ocr', image);
  return {
    ...ready,
    requests: [identity, mlp, identity, mlp, identity, mlp, identity, mlp, identity, ocr],
    async rss() {
      const models = ['identity', 'mlp', 'ocr'];
      let total = rssOf(ready.pid);
      for (const m of models) {
        const d = (await (await fetch(`${ready.management}/models/${m}`)).json()) as Array<{ workers: Array<{ pid: number }> }>;
        for (const w of d[0]?.workers ?? []) total += rssOf(w.pid);
      }
      return total;
    },
    async stop() {
      child.kill('SIGTERM');
      await child.catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
