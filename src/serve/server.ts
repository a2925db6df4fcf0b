// Starts the model server: the worker hub, the three listeners (inference, management, metrics)
// and the initial models. `close()` is the graceful shutdown: stop accepting, drain, stop workers.
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { MlsError, toMlsError, type ErrorCode } from '../errors.js';
import type { Logger } from '../log.js';
import type { Address, ServeOptions } from './config.js';
import { WorkerHub } from './frontend/worker-hub.js';
import { Registry } from './frontend/registry.js';
import { torchServeBody } from '../errors/render.js';
import { serveHttpErrors } from '../errors/serve-http.js';
import { Http1Server, viaNodeHttp, type Http1Handler, type HttpLimits } from './http/http1-server.js';
import { chooseTransport, type HttpTransport } from './http/transport-check.js';
import { inferenceListener } from './http/inference-api.js';
import { managementListener } from './http/management-api.js';
import { createMetrics, metricsListener } from './http/metrics-api.js';
import { startTsMetricsLog, type TsMetricsLog } from './http/ts-metrics-log.js';
import { loggedFamilies } from './http/ts-metrics.js';
import type { HostStats } from './frontend/host-stats.js';
import { handlerMetricsText } from './frontend/handler-metrics.js';
import { requireKey, writeKeyFile } from './token-auth.js';
import { readSnapshot, snapshotSaver, type SnapshotModel } from './snapshot.js';
import { WorkerGroup } from './frontend/worker-group.js';
import { ModelStorePoller, storeArchives } from './model-store-poller.js';
import type { GrpcListeners } from './grpc/grpc-server.js';
import { resolveProcessor } from './processor.js';
import { machineDefaults } from './machine-defaults.js';
import { availableParallelism } from 'node:os';
import { systemProbe, type DeviceProbe } from './devices.js';
import { systemClock, type Clock } from './clock.js';

export interface ServeHandle {
  pid: number;
  inference: string;
  management: string;
  metrics: string;
  /** gRPC listeners (host:port), when on. */
  grpcInference?: string;
  grpcManagement?: string;
  models: string[];
  registry: Registry;
  close(): Promise<void>;
}

/** What shutdown needs from a listener: node:http's Server and Http1Server both have it. */
interface Listener {
  close(): unknown;
  closeIdleConnections(): void;
  closeAllConnections(): void;
  address(): AddressInfo | string | null;
}

function listenError(addr: Address, what: string) {
  return (e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE') return new MlsError('MLS_ERR_SERVE_PORT_IN_USE', { what, address: `${addr.host}:${addr.port}` });
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') return new MlsError('MLS_ERR_SERVE_ADDRESS', { unresolvable: { what, address: `${addr.host}:${addr.port}`, reason: e.message } });
    return toMlsError(e);
  };
}

/** The codes of the transport's own refusals, by the status it answers with (its message is kept). */
const TRANSPORT_CODES: Record<number, ErrorCode> = {
  408: 'MLS_ERR_SERVE_REQUEST_TIMEOUT',
  413: 'MLS_ERR_SERVE_REQUEST_TOO_LARGE',
  417: 'MLS_ERR_SERVE_EXPECTATION_FAILED',
  431: 'MLS_ERR_SERVE_HEADERS_TOO_LARGE',
  500: 'MLS_ERR_INTERNAL',
};

/**
 * The inference listener: mlserve's HTTP/1.1 transport on Node's llhttp (http/http1-server.ts) when
 * it passes its start-up check, or node:http reading the body first (transport-check.ts says when).
 */
async function listenInference(handler: Http1Handler, maxBodySize: number, addr: Address, bounds: ListenBounds, wanted: HttpTransport, host: HostStats, log: Logger): Promise<Listener> {
  const opts = {
    ...bounds.limits,
    clock: bounds.clock,
    maxBodySize,
    errorBody: (status: number, message: string) => torchServeBody(MlsError.relayed(TRANSPORT_CODES[status] ?? 'MLS_ERR_SERVE_HTTP_PROTOCOL', message)),
  };
  // The check's own canned requests are not counted as the server's answers.
  const { transport, fallbackReason } = await chooseTransport(wanted, opts);
  if (fallbackReason) log.warn(`inference transport: node:http, because the llhttp transport failed its start-up check on Node ${process.version} (${fallbackReason})`);
  if (transport === 'node') return listen(counted(viaNodeHttp(handler, maxBodySize), host), addr, 'inference', bounds);
  const server = new Http1Server(handler, { ...opts, onStatus: (status) => host.count(status) });
  try {
    await server.listen(addr.port, addr.host);
  } catch (e) {
    throw listenError(addr, 'inference')(e as NodeJS.ErrnoException);
  }
  return server;
}

/** Counts a node:http listener's answers by status (TorchServe counts every listener's). */
function counted(handler: RequestListener, host: HostStats): RequestListener {
  return (req, res) => {
    res.once('finish', () => host.count(res.statusCode));
    handler(req, res);
  };
}

/** A node:http listener's bounds: the limits, and the clock of its first-byte timer (tests give a FakeClock). */
interface ListenBounds {
  limits: HttpLimits;
  clock: Clock;
}

function listen(handler: RequestListener, addr: Address, what: string, { limits, clock }: ListenBounds): Promise<Server> {
  const server = createServer(
    // Bounded: slow or stalled clients cannot hold a connection forever.
    // connectionsCheckingInterval: how often those timeouts are enforced (Node's 30 s default would
    // let a slowloris client hold a connection for 40 s instead of 10).
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      maxHeaderSize: limits.maxHeaderSize,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.sweepIntervalMs || 1000,
    },
    handler,
  );
  server.on('clientError', answerClientError);
  // An Expect other than 100-continue: node:http would answer a bare 417; the llhttp transport and
  // every other refusal answer the catalog's JSON body, so this one does too.
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const body = torchServeBody(new MlsError('MLS_ERR_SERVE_EXPECTATION_FAILED', { value: String(req.headers.expect) }));
    res.writeHead(417, { 'content-type': 'application/json', 'content-length': body.length, connection: 'close' }).end(body);
  });
  // headersTimeout only starts with the first byte: a connection that never sends one would be held
  // forever (connection exhaustion), so it is closed after the same 10 s.
  server.on('connection', (socket: Socket) => {
    const timer = clock
      .setTimeout(() => {
        if (socket.bytesRead === 0) socket.destroy();
      }, limits.firstByteTimeoutMs)
      .unref();
    socket.once('close', () => clock.clearTimer(timer));
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(listenError(addr, what)(e)));
    server.listen(addr.port, addr.host, () => resolve(server));
  });
}

/**
 * Requests Node's HTTP parser rejects (broken request line, oversized headers, lying lengths,
 * header timeouts) get a JSON error like every other, instead of Node's bare status line.
 */
function answerClientError(e: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const err = new MlsError(e.code === 'HPE_HEADER_OVERFLOW' ? 'MLS_ERR_SERVE_HEADERS_TOO_LARGE' : e.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'MLS_ERR_SERVE_REQUEST_TIMEOUT' : 'MLS_ERR_SERVE_HTTP_PROTOCOL', { malformed: { reason: e.code ?? 'parse error' } });
  const status = err.httpStatus;
  const body = torchServeBody(err);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body.toString()}`);
}

function urlOf(server: Listener, host: string): string {
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
async function initialModels(opts: ServeOptions, log: Logger): Promise<StartModel[]> {
  // Triton's none and poll modes start with everything in the store.
  const all = opts.models === 'all' || opts.modelControl === 'none' || opts.modelControl === 'poll';
  if (!all) {
    const list = opts.models === 'all' ? [] : opts.models;
    if (list.length === 0 && opts.snapshotFile) return restorable(opts.snapshotFile, opts.modelStore, log);
    return list.map((m) => {
      const eq = m.indexOf('=');
      return eq > 0 ? { name: m.slice(0, eq), url: m.slice(eq + 1) } : { url: m };
    });
  }
  return (await storeArchives(opts.modelStore)).map((url) => ({ url }));
}

/** The snapshot's registrations, only when it was written by a server of this model store. */
async function restorable(snapshotFile: string, modelStore: string, log: Logger): Promise<StartModel[]> {
  const saved = await readSnapshot(snapshotFile);
  if (!saved) return [];
  if (saved.modelStore !== undefined && saved.modelStore !== modelStore) {
    log.warn(`snapshot ${snapshotFile} belongs to the model store ${saved.modelStore}, not ${modelStore}: not restored (it will be replaced)`);
    return [];
  }
  return saved.models.map((m) => ({ url: m.url, name: m.name, saved: m }));
}

export interface ServerDeps {
  /** What the machine offers (tests inject one; default: the system's). */
  probe?: DeviceProbe;
  /**
   * The clock of the queues, the registry, worker supervision, the model-store poller, the metrics
   * log and the node:http listeners' first-byte timer (tests inject a fake; default: the system's).
   * The llhttp inference transport keeps its own (`Http1Options.clock`, driven by `sweep()`).
   */
  clock?: Clock;
}

export async function startServer(opts: ServeOptions, log: Logger, deps: ServerDeps = {}): Promise<ServeHandle> {
  // Checked before anything listens: a server that cannot use its processor refuses to start.
  const processor = await resolveProcessor(
    {
      processor: opts.processor,
      ...(opts.devices ? { devices: opts.devices } : {}),
      allowCpuFallback: opts.allowCpuFallback,
      ...(opts.neuronCoresPerDevice ? { neuronCoresPerDevice: opts.neuronCoresPerDevice } : {}),
      ...(process.env.NEURON_RT_VISIBLE_CORES ? { visibleCores: process.env.NEURON_RT_VISIBLE_CORES } : {}),
    },
    deps.probe ?? systemProbe(),
    log,
  );
  const time = { clock: deps.clock ?? systemClock, limits: opts.workerLimits };
  const bounds: ListenBounds = { limits: opts.httpLimits, clock: time.clock };
  const fit = machineDefaults(opts, processor);
  if (opts.defaultWorkersPerModel === undefined || opts.intraOpThreads === undefined) {
    log.info(`from this machine (${availableParallelism()} cores${processor.deviceType === 'gpu' ? `, ${processor.deviceIds.length} GPUs` : ''}): ${fit.workersPerModel} workers per model loaded at start, ${fit.intraOpThreads} intra-op thread(s) per worker (set default_workers_per_model / intra_op_threads to choose)`);
  }
  const hub = new WorkerHub();
  await hub.listen();
  const workDir = join(hub.dir, 'models');
  await mkdir(workDir, { recursive: true });
  const group =
    opts.sharedWorkers > 0
      ? new WorkerGroup(hub, log, { size: opts.sharedWorkers, processConcurrency: opts.processConcurrency, maxModelMemory: opts.maxModelMemory, startupTimeoutMs: opts.defaultStartupTimeoutSec * 1000, time })
      : undefined;
  let poller: ModelStorePoller | undefined;
  let metricsLog: TsMetricsLog | undefined;
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
      intraOpThreads: fit.intraOpThreads,
      workerConcurrency: opts.workerConcurrency,
      allowedUrls: opts.allowedUrls,
      maxDownloadSize: opts.maxDownloadSize,
      group,
      python: opts.python,
      installPyDepPerModel: opts.installPyDepPerModel,
      processor,
      time,
    },
    log,
  );
  if (opts.modelControl === 'none' || opts.modelControl === 'poll') {
    registry.apiLocked = `model control mode is ${opts.modelControl}: models are ${opts.modelControl === 'poll' ? 'loaded and unloaded by changing the model store' : 'the model store\'s, loaded at start'}; start the server with --model-control explicit to use the API`;
  }
  const servers: Listener[] = [];
  let grpc: GrpcListeners | undefined;
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= shutdown());
  const shutdown = async () => {
    // Stop accepting; keep-alive clients still connected get 503 while queued work drains (waiting
    // for them to hang up could take forever under a load generator).
    for (const s of servers) {
      s.close();
      s.closeIdleConnections();
    }
    // gRPC stops taking calls too; the calls in progress finish with the drain below.
    const grpcDrained = grpc?.drain();
    await poller?.stop();
    metricsLog?.stop();
    await registry.close(opts.drainTimeoutMs);
    for (const s of servers) s.closeAllConnections();
    grpc?.close();
    await grpcDrained;
    await group?.close();
    await hub.close();
  };
  try {
    await group?.start();
    const host = registry.host;
    servers.push(await listenInference(inferenceListener(registry, { maxRequestSize: opts.maxRequestSize, serviceEnvelope: opts.serviceEnvelope }), opts.maxRequestSize, opts.inference, bounds, opts.httpTransport, host, log));
    let management = managementListener(registry);
    let managementKey: string | undefined;
    if (opts.tokenAuth) {
      const keyFile = opts.keyFile ?? join(dirname(opts.pidFile), 'key_file.json');
      managementKey = (await writeKeyFile(keyFile)).management;
      management = requireKey(managementKey, management);
      log.info(`token authorization on the management API: keys in ${keyFile}`);
    }
    servers.push(await listen(counted(management, host), opts.management, 'management', bounds));
    const metrics = metricsListener(createMetrics(registry, { mode: opts.metricsMode }), () => handlerMetricsText(registry));
    servers.push(await listen(counted(metrics, host), opts.metrics, 'metrics', bounds));
    const logged = loggedFamilies(opts.metricsMode);
    if (logged.length > 0) metricsLog = startTsMetricsLog(registry, log, opts.metricsLogIntervalMs, { hostname: hostname(), families: logged, clock: time.clock });
    if (opts.grpcInference || opts.grpcManagement) {
      const { startGrpc } = await import('./grpc/grpc-server.js');
      grpc = await startGrpc(registry, { inference: opts.grpcInference, management: opts.grpcManagement, maxRequestSize: opts.maxRequestSize, managementKey, tls: opts.grpcTls });
    }
    // Loaded in parallel: each model's workers start independently. All settle before a failure
    // is reported, so the shutdown that follows sees every model that did register.
    const start = await initialModels(opts, log);
    const loads = await Promise.allSettled(
      start.map(async ({ url, name, saved }) => {
        try {
          const e = await registry.register(
            saved
              ? {
                  url,
                  modelName: name,
                  initialWorkers: saved.minWorkers,
                  batchSize: saved.batchSize,
                  maxBatchDelay: saved.maxBatchDelay,
                  responseTimeout: saved.responseTimeout,
                  startupTimeout: saved.startupTimeout,
                  runtime: saved.runtime,
                  loadedAtStartup: true,
                }
              : { url, modelName: name, fallbackWorkers: fit.workersPerModel, loadedAtStartup: true },
          );
          if (saved) e.pool.maxWorkers = Math.max(saved.minWorkers, saved.maxWorkers);
          log.info(`loaded ${e.name} ${e.version} (${url}) with ${e.pool.liveCount()} worker(s)`);
        } catch (e) {
          // A snapshot names what was registered then; an archive removed since is not this
          // start's fault. It is left out, and so out of the next snapshot too.
          if (saved && e instanceof MlsError && e.code === 'MLS_ERR_SERVE_MODEL_NOT_FOUND') {
            log.warn(`snapshot: ${name ?? url} ${saved.version} not restored: ${e.message}`);
            return;
          }
          if (e instanceof MlsError && e.code in serveHttpErrors) throw new MlsError('MLS_ERR_SERVE_CONFIG', { url: { url, reason: e.message } });
          if (e instanceof MlsError) throw e;
          throw new MlsError('MLS_ERR_SERVE_MODEL_LOAD_FAILED', { url, reason: (e as Error).message }, { cause: e });
        }
      }),
    );
    const failed = loads.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed) throw failed.reason;
    for (const { saved } of start) if (saved?.isDefault && registry.find(saved.name, saved.version)) registry.setDefault(saved.name, saved.version);
    if (opts.snapshotFile) {
      registry.onChange = snapshotSaver(opts.snapshotFile, registry, opts.modelStore, log);
      registry.onChange();
    }
    if (opts.modelControl === 'poll') {
      poller = new ModelStorePoller(opts.modelStore, registry, log, { intervalMs: opts.pollIntervalMs, clock: time.clock });
      await poller.start();
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
    ...(grpc?.inference ? { grpcInference: grpc.inference } : {}),
    ...(grpc?.management ? { grpcManagement: grpc.management } : {}),
    models: registry.names(),
    registry,
    close,
  };
}
