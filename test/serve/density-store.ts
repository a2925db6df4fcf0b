// Model stores of many tiny distinct models (an MLP with its own seed each, as folder archives so
// that 1,000 of them are written in well under a second) and a small Prometheus text reader.
import { after } from 'node:test';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mlpModel } from '../../fixtures/models.js';
import { tempStore } from './store.js';
import { defaultOptions, type ServeOptions } from '../../src/serve/config.js';
import { silentLogger } from '../../src/log.js';
import { startServer, type ServeHandle } from '../../src/serve/server.js';

export interface FolderExtras {
  handler?: string;
  files?: Record<string, string>;
  config?: string;
  version?: string;
  /** ONNX bytes instead of the seeded MLP */
  onnx?: Uint8Array;
}

/** A folder archive `name` holding a 4-input, 2-class MLP with weights from `seed`. */
export async function addModelFolder(store: string, name: string, seed: number, x: FolderExtras = {}): Promise<void> {
  const dir = join(store, name);
  await mkdir(join(dir, 'MAR-INF'), { recursive: true });
  await writeFile(join(dir, 'model.onnx'), x.onnx ?? mlpModel({ inputs: 4, hidden: 4, classes: 2, layers: 1, seed }));
  for (const [f, text] of Object.entries(x.files ?? {})) await writeFile(join(dir, f), text);
  if (x.config) await writeFile(join(dir, 'model-config.yaml'), x.config);
  const model = { modelName: name, serializedFile: 'model.onnx', handler: x.handler ?? 'base_handler', modelVersion: x.version ?? '1.0', ...(x.config ? { configFile: 'model-config.yaml' } : {}) };
  await writeFile(join(dir, 'MAR-INF', 'MANIFEST.json'), JSON.stringify({ createdOn: '22/11/2026 00:00:00', runtime: model.handler.endsWith('js') ? 'mlserve-js' : 'python', model, archiverVersion: '0.12.0' }));
}

/** A new store with one tiny model per name (seeds 1, 2, 3 ... so every model differs). */
export async function tinyStore(names: string[]): Promise<string> {
  const store = await tempStore();
  for (let i = 0; i < names.length; i += 50) {
    await Promise.all(names.slice(i, i + 50).map((n, j) => addModelFolder(store, n, 100 + i + j)));
  }
  return store;
}

export async function scrape(metricsUrl: string): Promise<string> {
  const res = await fetch(`${metricsUrl}/metrics`);
  if (res.status !== 200) throw new Error(`metrics answered ${res.status}`);
  return res.text();
}

/** Sum of a metric's samples whose labels contain every `labels` pair (NaN when absent). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const lab = m[2] ?? '';
    if (!Object.entries(labels).every(([k, v]) => lab.includes(`${k}="${v}"`))) continue;
    sum += Number(m[3]);
    found = true;
  }
  return found ? sum : NaN;
}

/** Options of a test server on `store`: every listener on 127.0.0.1 port 0, no snapshot, all models. */
export function testServerOptions(store: string, extra: Partial<ServeOptions> = {}): ServeOptions {
  return Object.assign(defaultOptions(), {
    modelStore: store,
    models: 'all',
    inference: { host: '127.0.0.1', port: 0 },
    management: { host: '127.0.0.1', port: 0 },
    metrics: { host: '127.0.0.1', port: 0 },
    snapshotFile: undefined,
    ...extra,
  } satisfies Partial<ServeOptions>);
}

/** A starter of test servers for one test file: each server is closed and its store removed after the file's tests. */
export function serverStarter(defaults: Partial<ServeOptions> = {}): (store: string, extra?: Partial<ServeOptions>) => Promise<ServeHandle> {
  const servers: ServeHandle[] = [];
  const stores: string[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(stores.map((s) => rm(s, { recursive: true, force: true })));
  });
  return async (store, extra = {}) => {
    stores.push(store);
    const s = await startServer(testServerOptions(store, { ...defaults, ...extra }), silentLogger);
    servers.push(s);
    return s;
  };
}
