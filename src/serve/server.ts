// Starts the model server: the worker hub, the three listeners (inference, management, metrics)
// and the initial models. `close()` is the graceful shutdown: stop accepting, drain, stop workers.
import { createServer, type Server, type RequestListener } from 'node:http';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MlsError, toMlsError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Address, ServeOptions } from './config.js';
import { WorkerHub } from './frontend/worker-hub.js';
import { Registry } from './frontend/registry.js';
import { HttpError } from './http/errors.js';
import { inferenceListener } from './http/inference-api.js';
import { managementListener } from './http/management-api.js';
import { createMetrics, metricsListener } from './http/metrics-api.js';
import { requireKey, writeKeyFile } from './token-auth.js';
import { readSnapshot, snapshotSaver, type SnapshotModel } from './snapshot.js';

export interface ServeHandle {
  pid: number;
  inference: string;
  management: string;
  metrics: string;
  models: string[];
  registry: Registry;
  close(): Promise<void>;
}

const ARCHIVE_RE = /\.(mar|tar\.gz|tgz|zip)$/;

function listen(handler: RequestListener, addr: Address, what: string): Promise<Server> {
  const server = createServer(
    // Bounded: slow or stalled clients cannot hold a connection forever.
    { headersTimeout: 10_000, requestTimeout: 120_000, maxHeaderSize: 16 * 1024, keepAliveTimeout: 5_000 },
    handler,
  );
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new MlsError('MLS_ERR_SERVE_PORT_IN_USE', `${what} address ${addr.host}:${addr.port} is already in use`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') reject(new MlsError('MLS_ERR_SERVE_ADDRESS', `${what} address ${addr.host}:${addr.port}: ${e.message}`));
      else reject(toMlsError(e));
    });
    server.listen(addr.port, addr.host, () => resolve(server));
  });
}

function urlOf(server: Server, host: string): string {
  const a = server.address();
  const port = a && typeof a === 'object' ? a.port : 0;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

interface StartModel {
  url: string;
  name?: string;
  saved?: SnapshotModel;
}

/**
 * The initial model list: `all` means every archive (or unpacked archive folder) in the store; no
 * list at all means the last snapshot, if there is one.
 */
async function initialModels(opts: ServeOptions): Promise<StartModel[]> {
  if (opts.models !== 'all') {
    if (opts.models.length === 0 && opts.snapshotFile) {
      const saved = await readSnapshot(opts.snapshotFile);
      if (saved) return saved.map((m) => ({ url: m.url, name: m.name, saved: m }));
    }
    return opts.models.map((m) => {
      const eq = m.indexOf('=');
      return eq > 0 ? { name: m.slice(0, eq), url: m.slice(eq + 1) } : { url: m };
    });
  }
  const out: StartModel[] = [];
  for (const f of (await readdir(opts.modelStore)).sort()) {
    if (ARCHIVE_RE.test(f)) out.push({ url: f });
    else if ((await stat(join(opts.modelStore, f)).catch(() => null))?.isDirectory()) {
      if (await stat(join(opts.modelStore, f, 'MAR-INF', 'MANIFEST.json')).catch(() => null)) out.push({ url: f });
    }
  }
  return out;
}

export async function startServer(opts: ServeOptions, log: Logger): Promise<ServeHandle> {
  const hub = new WorkerHub();
  await hub.listen();
  const workDir = join(hub.dir, 'models');
  await mkdir(workDir, { recursive: true });
  const registry = new Registry(
    hub,
    {
      modelStore: opts.modelStore,
      workDir,
      jobQueueSize: opts.jobQueueSize,
      defaultResponseTimeoutSec: opts.defaultResponseTimeoutSec,
      defaultBatchSize: opts.batchSize,
      defaultMaxBatchDelayMs: opts.maxBatchDelayMs,
      startupTimeoutMs: opts.defaultStartupTimeoutSec * 1000,
      intraOpThreads: opts.intraOpThreads,
      workerConcurrency: opts.workerConcurrency,
    },
    log,
  );
  const servers: Server[] = [];
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= shutdown());
  const shutdown = async () => {
    // Stop accepting; keep-alive clients still connected get 503 while queued work drains (waiting
    // for them to hang up could take forever under a load generator).
    for (const s of servers) {
      s.close();
      s.closeIdleConnections();
    }
    await registry.close(opts.drainTimeoutMs);
    for (const s of servers) s.closeAllConnections();
    await hub.close();
  };
  try {
    servers.push(await listen(inferenceListener(registry, { maxRequestSize: opts.maxRequestSize }), opts.inference, 'inference'));
    let management = managementListener(registry);
    if (opts.tokenAuth) {
      const keyFile = opts.keyFile ?? join(dirname(opts.pidFile), 'key_file.json');
      management = requireKey((await writeKeyFile(keyFile)).management, management);
      log.info(`token authorization on the management API: keys in ${keyFile}`);
    }
    servers.push(await listen(management, opts.management, 'management'));
    servers.push(await listen(metricsListener(createMetrics(registry)), opts.metrics, 'metrics'));
    // Loaded in parallel: each model's workers start independently. All settle before a failure
    // is reported, so the shutdown that follows sees every model that did register.
    const start = await initialModels(opts);
    const loads = await Promise.allSettled(
      start.map(async ({ url, name, saved }) => {
        try {
          const e = await registry.register(
            saved
              ? { url, modelName: name, initialWorkers: saved.minWorkers, batchSize: saved.batchSize, maxBatchDelay: saved.maxBatchDelay, responseTimeout: saved.responseTimeout, loadedAtStartup: true }
              : { url, modelName: name, fallbackWorkers: opts.defaultWorkersPerModel, loadedAtStartup: true },
          );
          if (saved) e.pool.maxWorkers = Math.max(saved.minWorkers, saved.maxWorkers);
          log.info(`loaded ${e.name} ${e.version} (${url}) with ${e.pool.liveCount()} worker(s)`);
        } catch (e) {
          if (e instanceof HttpError) throw new MlsError('MLS_ERR_SERVE_CONFIG', `${url}: ${e.message}`);
          if (e instanceof MlsError) throw e;
          throw new MlsError('MLS_ERR_SERVE_MODEL_LOAD_FAILED', `${url}: ${(e as Error).message}`, { cause: e });
        }
      }),
    );
    const failed = loads.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed) throw failed.reason;
    for (const { saved } of start) if (saved?.isDefault) registry.setDefault(saved.name, saved.version);
    if (opts.snapshotFile) {
      registry.onChange = snapshotSaver(opts.snapshotFile, registry, log);
      registry.onChange();
    }
  } catch (e) {
    await close();
    throw e;
  }
  return {
    pid: process.pid,
    inference: urlOf(servers[0]!, opts.inference.host),
    management: urlOf(servers[1]!, opts.management.host),
    metrics: urlOf(servers[2]!, opts.metrics.host),
    models: registry.names(),
    registry,
    close,
  };
}
