// Starts a real server (in this process, listeners on 127.0.0.1 port 0, real worker processes) on
// a model store built like test/serve's, for the hardening suites.
import { rm } from 'node:fs/promises';
import { ensureFixtureModels } from '../../fixtures/index.js';
import { silentLogger } from '../../src/log.js';
import { defaultOptions, type ServeOptions } from '../../src/serve/config.js';
import { startServer, type ServeHandle } from '../../src/serve/server.js';
import { addFolderArchive, tempStore, type FolderArchive } from '../serve/store.js';

export interface TestServer {
  server: ServeHandle;
  store: string;
  I: string;
  M: string;
  stop(): Promise<void>;
}

/** `archives` get the fixture identity model unless they name another; `options` override defaults. */
export async function startTestServer(archives: Array<Omit<FolderArchive, 'model'> & { model?: string }>, models: string[], options: Partial<ServeOptions> = {}): Promise<TestServer> {
  const fx = await ensureFixtureModels();
  const store = await tempStore();
  for (const a of archives) await addFolderArchive(store, { ...a, model: a.model ?? fx.identity });
  const opts = defaultOptions();
  Object.assign(opts, {
    modelStore: store,
    models,
    inference: { host: '127.0.0.1', port: 0 },
    management: { host: '127.0.0.1', port: 0 },
    metrics: { host: '127.0.0.1', port: 0 },
    drainTimeoutMs: 2000,
    defaultWorkersPerModel: 1,
    intraOpThreads: 1,
    ...options,
  });
  const server = await startServer(opts, silentLogger);
  return {
    server,
    store,
    I: server.inference,
    M: server.management,
    async stop() {
      await server.close();
      await rm(store, { recursive: true, force: true });
    },
  };
}

/** Pids of every worker the server runs now (a changed set means some worker died). */
export function workerPids(s: ServeHandle): number[] {
  return s.registry
    .names()
    .flatMap((n) => s.registry.allVersions(n))
    .flatMap((e) => e.pool.workers.map((w) => w.pid))
    .sort();
}
