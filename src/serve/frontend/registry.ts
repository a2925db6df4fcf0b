// Registered models: name → versions → a runtime (archive, worker pool, job queue), with a default
// version per name. The management API's rules live here, with TorchServe's status codes: 409 for
// a duplicate version, 404 for unknown models or versions, 403 for removing the default version
// while others remain.
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../log.js';
import { MlsError } from '../../errors.js';
import { modelNotFound, versionNotFound } from '../http/errors.js';
import { openArchive, type OpenedArchive } from '../model-archive.js';
import { fetchArchive, isUrl } from '../url-fetch.js';
import { ModelPool } from './model-pool.js';
import { ModelQueue } from './model-queue.js';
import type { WorkerHub } from './worker-hub.js';
import type { WorkerPool } from './pool-types.js';
import { estimateModelMemory, SharedPool } from './shared-pool.js';
import type { WorkerGroup } from './worker-group.js';
import { HostStats } from './host-stats.js';
import { serveRefusal } from '../../archive/serve-support.js';
import { choosePython, installModelDependencies } from './python-env.js';
import type { WorkerSpawn, WorkerTime } from './worker-process.js';
import type { PoolOptions } from './model-pool.js';
import { HandlerMetrics } from './handler-metrics.js';
import { cpuState, type ModelDevice, type ProcessorState } from '../processor.js';
import { GpuCounter, modelDevice, workerPlacer } from '../model-device.js';

/** Full batches a batching model's worker holds at once (model-config.yaml workerConcurrency overrides). */
const BATCHES_QUEUED_PER_WORKER = 2;

export interface RegistrySettings {
  modelStore: string;
  workDir: string;
  jobQueueSize: number;
  defaultResponseTimeoutSec: number;
  defaultBatchSize: number;
  defaultMaxBatchDelayMs: number;
  startupTimeoutMs: number;
  intraOpThreads: number;
  /** Batches in flight per worker for models with batch_size 1 (model-config.yaml workerConcurrency overrides). */
  workerConcurrency: number;
  /** When set (--shared-workers), models live in this group of shared processes, loaded on demand. */
  group?: WorkerGroup;
  /** Registration from URLs (url-fetch.ts): off while empty. */
  allowedUrls?: RegExp[];
  maxDownloadSize?: number;
  /** --python / MLSERVE_PYTHON: the interpreter of Python handlers (model-config.yaml `python` overrides). */
  python?: string;
  /** install_py_dep_per_model: pip-install each archive's requirements file into a folder of the model. */
  installPyDepPerModel?: boolean;
  /** The server's processor (--processor, --devices), checked at start; default: cpu. */
  processor?: ProcessorState;
  /** The server's clock and worker limits, for every queue and pool (startServer: deps.clock, options.workerLimits). */
  time: WorkerTime;
  /** How dedicated pools start a worker (default: a process; registry tests pass fakes). */
  startWorker?: PoolOptions['startWorker'];
}

export interface RegisterParams {
  url: string;
  modelName?: string;
  handler?: string;
  batchSize?: number;
  maxBatchDelay?: number;
  responseTimeout?: number;
  /** startup_timeout (s) for this model's workers; the server's default_startup_timeout when absent. */
  startupTimeout?: number;
  /** runtime of the API (validated by the caller): reported by describe instead of the manifest's. */
  runtime?: string;
  /** initial_workers of the API; when absent: model-config.yaml's minWorkers, else fallbackWorkers. */
  initialWorkers?: number;
  fallbackWorkers?: number;
  /**
   * TorchServe's register API rule (ApiUtils.handleRegister): model-config.yaml's minWorkers and
   * maxWorkers, when valid (min > 0, max >= min), win over initial_workers.
   */
  configWorkersWin?: boolean;
  loadedAtStartup?: boolean;
  /** false: return once registered and start the workers in the background (TorchServe's synchronous=false). */
  wait?: boolean;
}

export interface ModelEntry {
  name: string;
  version: string;
  archive: OpenedArchive;
  batchSize: number;
  maxBatchDelay: number;
  responseTimeout: number;
  /** Seconds a worker has to start and load the model. */
  startupTimeout: number;
  runtime: string;
  /** The handler the workers run (the API's handler parameter, else the manifest's). */
  handler: string;
  loadedAtStartup: boolean;
  pool: WorkerPool;
  queue: ModelQueue;
  /** Requests carry their headers to the worker (Python and custom JS handlers read them). */
  passHeaders: boolean;
  /** Metrics the model's Python handler recorded (context.metrics). */
  handlerMetrics: HandlerMetrics;
  /** What the model runs on (describe's deviceType / deviceIds, /v2 metadata, the metrics' device label). */
  device: ModelDevice;
  /** ONNX Runtime intra-op threads of each worker (node workers). */
  intraOpThreads: number;
}

interface Versions {
  byVersion: Map<string, ModelEntry>;
  defaultVersion: string;
}

function configNumber(cfg: Record<string, unknown>, key: string): number | undefined {
  const v = cfg[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A model-config.yaml value the server would otherwise ignore, so the model ran other than asked. */
function configRefusal(cfg: Record<string, unknown>): string | undefined {
  const v = cfg.mergeRuns;
  if (v !== undefined && typeof v !== 'boolean') return `mergeRuns in model-config.yaml must be true or false, not ${JSON.stringify(v)}.`;
  return undefined;
}

/** A Python worker that refused its device answers the load with the code first: the same coded error as the frontend's own check. */
function deviceError(e: unknown): unknown {
  const m = /^MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE: (.*)$/s.exec((e as Error)?.message ?? '');
  return m ? MlsError.relayed('MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE', m[1]!, { cause: e }) : e;
}

export class Registry {
  private readonly models = new Map<string, Versions>();
  private readonly registering = new Set<string>();
  /** Set by close(): the server is draining and takes no new work. */
  closing = false;
  /** Set in model control modes none and poll: why the API may not register or unregister (Triton's rule). */
  apiLocked?: string;
  /** Server-wide answer counts and gauges (TorchServe's host-level metrics). */
  readonly host = new HostStats();
  /** The server-wide round robin of workers over GPUs (TorchServe's). */
  private readonly gpuCounter: GpuCounter;
  /** Called after every change of what is registered (the snapshot saver). */
  onChange: () => void = () => {};

  constructor(
    private readonly hub: WorkerHub,
    readonly settings: RegistrySettings,
    private readonly log: Logger,
  ) {
    this.gpuCounter = new GpuCounter(Math.max(1, this.processor.deviceIds.length));
  }

  get processor(): ProcessorState {
    return this.settings.processor ?? cpuState();
  }

  /** Finds a model's default version, or a given one. */
  get(name: string, version?: string): ModelEntry {
    const v = this.models.get(name);
    if (!v) throw modelNotFound(name);
    const e = v.byVersion.get(version ?? v.defaultVersion);
    if (!e) throw versionNotFound(name, version ?? v.defaultVersion);
    return e;
  }

  /** Fast path for inference: undefined instead of throwing. */
  find(name: string, version?: string): ModelEntry | undefined {
    const v = this.models.get(name);
    return v?.byVersion.get(version ?? v.defaultVersion);
  }

  allVersions(name: string): ModelEntry[] {
    const v = this.models.get(name);
    if (!v) throw modelNotFound(name);
    return [...v.byVersion.values()];
  }

  /** Default versions, sorted by name (the list API pages through this). */
  defaults(): ModelEntry[] {
    return [...this.models.keys()].sort().map((n) => this.get(n));
  }

  names(): string[] {
    return [...this.models.keys()].sort();
  }

  /** Registers an archive; resolves once its initial workers are ready (or failed: then it is removed again). */
  async register(p: RegisterParams): Promise<ModelEntry> {
    const s = this.settings;
    const archive = await this.openFromUrlOrStore(p.url, p.handler);
    const name = p.modelName ?? archive.manifest.model.modelName;
    const version = String(archive.manifest.model.modelVersion ?? '1.0');
    const key = `${name}/${version}`;
    if (this.find(name, version) || this.registering.has(key)) {
      if (archive.tempDir) await rm(archive.tempDir, { recursive: true, force: true });
      throw new MlsError('MLS_ERR_SERVE_VERSION_EXISTS', { model: name, version });
    }
    const cfg = archive.modelConfig;
    const batchSize = p.batchSize ?? configNumber(cfg, 'batchSize') ?? s.defaultBatchSize;
    const maxBatchDelay = p.maxBatchDelay ?? configNumber(cfg, 'maxBatchDelay') ?? s.defaultMaxBatchDelayMs;
    const responseTimeout = p.responseTimeout ?? configNumber(cfg, 'responseTimeout') ?? s.defaultResponseTimeoutSec;
    // The API's handler parameter won over the manifest's when the archive was opened.
    const { handler, workerKind } = archive;
    // A handler mlserve does not run for this file: a clear 400 now, not a worker failing to load (500).
    const refusal = serveRefusal(handler, archive.serializedFile) ?? configRefusal(cfg);
    if (refusal) {
      if (archive.tempDir) await rm(archive.tempDir, { recursive: true, force: true });
      throw new MlsError('MLS_ERR_SERVE_MODEL_REFUSED', { reason: refusal });
    }
    let spawn: WorkerSpawn = { kind: 'node' };
    let pythonPath: string[] = [];
    let device: ModelDevice;
    try {
      device = modelDevice(this.processor, workerKind, name, this.log);
    } catch (e) {
      if (archive.tempDir) await rm(archive.tempDir, { recursive: true, force: true });
      throw e;
    }
    if (workerKind === 'python') {
      try {
        const python = await choosePython(cfg, s.python, name);
        spawn = { kind: 'python', python, ...(device.type === 'neuron' ? { env: { NEURON_RT_VISIBLE_CORES: this.processor.neuronCores ?? '' } } : {}) };
        if (s.installPyDepPerModel) pythonPath = await installModelDependencies(python, archive.dir, archive.manifest.model.requirementsFile, name);
      } catch (e) {
        if (archive.tempDir) await rm(archive.tempDir, { recursive: true, force: true });
        throw e;
      }
    }
    const handlerMetrics = new HandlerMetrics();
    const intraOp = configNumber(cfg, 'intraOpThreads') ?? s.intraOpThreads;
    const startupTimeout = p.startupTimeout ?? configNumber(cfg, 'startupTimeout') ?? s.startupTimeoutMs / 1000;
    // Batching models: full batches queue up in a worker so it goes from one to the next without
    // waiting for the frontend, while partial ones wait for an idle worker (model-queue.ts) and fill.
    const workerConcurrency = Math.max(1, configNumber(cfg, 'workerConcurrency') ?? (batchSize > 1 ? BATCHES_QUEUED_PER_WORKER : s.workerConcurrency));
    // The pool tells the queue when workers come and go; the queue is created right after it.
    const late: { queue?: ModelQueue; entry?: ModelEntry } = {};
    const loadRequest = {
      modelKey: key,
      modelName: name,
      modelVersion: version,
      modelDir: archive.dir,
      serializedFile: archive.serializedFile,
      handler,
      manifest: archive.manifest,
      modelConfig: cfg,
      batchSize,
      intraOpThreads: intraOp,
      ...(pythonPath.length > 0 ? { pythonPath } : {}),
      // Python workers check the device at load (torch.cuda / torch-neuron) and fall back only when allowed.
      ...(spawn.kind === 'python' && device.type !== 'cpu' ? { device: { type: device.type, allowCpuFallback: this.processor.allowCpuFallback } } : {}),
    };
    const place = workerPlacer(this.processor, device, cfg, this.gpuCounter, name);
    const onChange = (ev: 'ready' | 'load-failed', message?: string) => {
      if (ev === 'ready') {
        // A Python worker that found no usable device and was allowed to fall back says so at load.
        const fellBack = pool.io?.fallback;
        if (fellBack && late.entry && late.entry.device.type !== 'cpu') {
          late.entry.device = { type: 'cpu', ids: [], fallback: fellBack };
          this.log.warn(`${key}: ${fellBack}: running on the CPU (--allow-cpu-fallback)`);
        }
        late.queue?.pump();
      }
      // A shared model failed to load for these requests; a dedicated pool only when no worker is left.
      else if (pool.kind === 'shared' || pool.liveCount() === 0) late.queue?.failQueued(new MlsError('MLS_ERR_SERVE_WORKER_GONE', { cannotStart: { reason: message ?? `workers of model ${name} failed to start` } }));
    };
    let pool: WorkerPool;
    // Python models keep processes of their own (TorchServe's model): the shared group is Node only.
    if (s.group && spawn.kind === 'node') {
      const bytes = estimateModelMemory((await stat(archive.serializedFile).catch(() => undefined))?.size ?? 0);
      const shared = new SharedPool(s.group, { ...loadRequest, ...place() }, this.log, {
        concurrency: workerConcurrency,
        bytes,
        onChange,
        hasWork: () => (late.queue?.pending ?? 0) > 0,
      });
      shared.pumpQueue = () => late.queue?.pump();
      pool = shared;
    } else {
      pool = new ModelPool(this.hub, loadRequest, this.log, {
        startupTimeoutMs: startupTimeout * 1000,
        concurrency: workerConcurrency,
        onChange,
        spawn,
        place,
        onMetrics: (m) => handlerMetrics.add(m),
        time: s.time,
        startWorker: s.startWorker,
      });
    }
    const queue = new ModelQueue({ modelKey: key, batchSize, maxBatchDelayMs: maxBatchDelay, capacity: s.jobQueueSize, responseTimeoutMs: responseTimeout * 1000, host: this.host, clock: s.time.clock }, pool);
    late.queue = queue;
    const runtime = p.runtime ?? archive.manifest.runtime ?? 'python';
    const passHeaders = spawn.kind === 'python' || handler.includes('.');
    const entry: ModelEntry = { name, version, archive, batchSize, maxBatchDelay, responseTimeout, startupTimeout, runtime, handler, loadedAtStartup: p.loadedAtStartup ?? false, pool, queue, passHeaders, handlerMetrics, device, intraOpThreads: intraOp };
    late.entry = entry;
    this.registering.add(key);
    try {
      const cfgMin = configNumber(cfg, 'minWorkers');
      const cfgMax = configNumber(cfg, 'maxWorkers');
      const cfgWins = p.configWorkersWin && cfgMin !== undefined && cfgMin > 0 && cfgMax !== undefined && cfgMax >= cfgMin;
      const workers = cfgWins ? cfgMin : (p.initialWorkers ?? cfgMin ?? p.fallbackWorkers ?? 0);
      const maxWorkers = Math.max(workers, cfgMax ?? workers);
      // No worker loads in 0 s: TorchServe's registration fails then, and so does this one (a 0
      // passed on would mean "no deadline" to the worker).
      if (workers > 0 && startupTimeout <= 0) throw new MlsError('MLS_ERR_SERVE_WORKERS_FAILED', { noStartupTime: { model: name, version, seconds: startupTimeout } });
      const scaling = pool.scale(workers, maxWorkers);
      if (p.wait === false) scaling.catch((e: unknown) => this.log.warn(`${key}: ${(e as Error).message}`));
      else await scaling;
    } catch (e) {
      await this.dispose(entry);
      throw deviceError(e);
    } finally {
      this.registering.delete(key);
    }
    const v = this.models.get(name);
    if (v) v.byVersion.set(version, entry);
    // TorchServe makes the newest registered version the default.
    if (v) v.defaultVersion = version;
    else this.models.set(name, { byVersion: new Map([[version, entry]]), defaultVersion: version });
    this.onChange();
    return entry;
  }

  /** A URL is downloaded into the store first (if allowed_urls lets it); a download that does not open is removed. */
  private async openFromUrlOrStore(url: string, handler?: string): Promise<OpenedArchive> {
    const s = this.settings;
    if (!isUrl(url)) return openArchive(s.modelStore, url, s.workDir, handler);
    const file = await fetchArchive(url, { modelStore: s.modelStore, allowedUrls: s.allowedUrls ?? [], maxBytes: s.maxDownloadSize ?? 2 ** 31 });
    try {
      return await openArchive(s.modelStore, file, s.workDir, handler);
    } catch (e) {
      await rm(join(s.modelStore, file), { recursive: true, force: true });
      throw e;
    }
  }

  setDefault(name: string, version: string): void {
    const v = this.models.get(name);
    if (!v) throw modelNotFound(name);
    if (!v.byVersion.has(version)) throw versionNotFound(name, version);
    v.defaultVersion = version;
    this.onChange();
  }

  /** Stops routing to the version, drains its queue and in-flight batches, stops its workers. */
  async unregister(name: string, version?: string, force = false): Promise<void> {
    const v = this.models.get(name);
    if (!v) throw modelNotFound(name);
    const ver = version ?? v.defaultVersion;
    const entry = v.byVersion.get(ver);
    if (!entry) throw versionNotFound(name, ver);
    if (ver === v.defaultVersion && v.byVersion.size > 1 && !force) {
      throw new MlsError('MLS_ERR_SERVE_DEFAULT_VERSION', { model: name });
    }
    v.byVersion.delete(ver);
    // Forced (the model store poller): the newest remaining version becomes the default.
    if (ver === v.defaultVersion && v.byVersion.size > 0) v.defaultVersion = [...v.byVersion.keys()].at(-1)!;
    if (v.byVersion.size === 0) this.models.delete(name);
    this.onChange();
    await entry.queue.drain();
    await this.dispose(entry);
  }

  private async dispose(entry: ModelEntry): Promise<void> {
    entry.queue.close();
    await entry.pool.close();
    if (entry.archive.tempDir) await rm(entry.archive.tempDir, { recursive: true, force: true });
  }

  /** Drains and stops everything (graceful shutdown). */
  async close(drainMs: number): Promise<void> {
    this.closing = true;
    this.onChange = () => {}; // shutting down is not a change to remember
    const entries = [...this.models.values()].flatMap((v) => [...v.byVersion.values()]);
    this.models.clear();
    await Promise.race([Promise.all(entries.map((e) => e.queue.drain())), new Promise((r) => this.settings.time.clock.setTimeout(() => r(undefined), drainMs).unref())]);
    await Promise.all(entries.map((e) => this.dispose(e)));
  }
}
