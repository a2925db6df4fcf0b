// Test servers on tiny model stores (fixtures/tiny-store.ts) and a small Prometheus text reader.
import { after } from 'node:test';
import { rm } from 'node:fs/promises';
import { testServerOptions } from '../../fixtures/tiny-store.js';
import type { ServeOptions } from '../../src/serve/config.js';
import { silentLogger } from '../../src/log.js';
import { startServer, type ServeHandle } from '../../src/serve/server.js';

export { addModelFolder, testServerOptions, tinyStore, type FolderExtras } from '../../fixtures/tiny-store.js';

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
