// Server options: defaults < TorchServe-style config.properties (--config) < flags. Keys TorchServe
// has but mlserve does not implement are reported as warnings; unknown keys are errors.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MlsError } from '../errors.js';
import type { Logger } from '../log.js';
import { parseAllowedUrls } from './url-fetch.js';
import { HTTP_TRANSPORTS, type HttpTransport } from './http/transport-check.js';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http/http1-server.js';
import { DEFAULT_WORKER_LIMITS, type WorkerLimits } from './frontend/worker-limits.js';
import { SERVE_PROCESSORS, type ServeProcessor } from './processor.js';

export interface Address {
  host: string;
  port: number;
}

export interface ServeOptions {
  modelStore: string;
  /** Models to load at start: 'all', or entries `name=file.mar` / `file.mar`. */
  models: 'all' | string[];
  inference: Address;
  management: Address;
  metrics: Address;
  pidFile: string;
  /** Workers of a model loaded at start; absent: from the machine (machine-defaults.ts). */
  defaultWorkersPerModel?: number;
  jobQueueSize: number;
  defaultResponseTimeoutSec: number;
  defaultStartupTimeoutSec: number;
  maxRequestSize: number;
  batchSize: number;
  maxBatchDelayMs: number;
  /** ONNX Runtime intra-op threads per worker; absent: cores / workers per model (machine-defaults.ts). */
  intraOpThreads?: number;
  workerConcurrency: number;
  /** Require the management key (written to keyFile) on the management API. */
  tokenAuth: boolean;
  keyFile?: string;
  /** Where registrations are saved after every change and restored from at start (undefined: off). */
  snapshotFile?: string;
  /** How long a graceful shutdown waits for queued and in-flight requests. */
  drainTimeoutMs: number;
  /** allowed_urls: patterns a registration URL must match; empty (the default): no registration from URLs. */
  allowedUrls: RegExp[];
  /** Largest archive a URL registration may download (max_download_size). */
  maxDownloadSize: number;
  /** Processes shared by all models, each hosting many (0: one process per model worker, as TorchServe). */
  sharedWorkers: number;
  /** Batches in flight per shared process, all its models together. */
  processConcurrency: number;
  /** Budget for loaded models in bytes; least recently used idle models are unloaded to stay under it (0: none). */
  maxModelMemory: number;
  /** Triton's model control: none (all of the store at start), poll (follow the store), explicit (API only). */
  modelControl?: ModelControl;
  /** How often poll mode scans the model store. */
  pollIntervalMs: number;
  /** The inference listener's transport: auto (llhttp after its start-up check, else node:http), llhttp or node. */
  httpTransport: HttpTransport;
  /** Header, request, keep-alive and first-byte timeouts and the header size bound of the listeners. */
  httpLimits: HttpLimits;
  /** Worker supervision: replacement backoff, stable time, deadline sweep, retire wait, stop grace. */
  workerLimits: WorkerLimits;
  /** metrics_mode: TorchServe's metric families on /metrics (prometheus), written to the log (log), or split (legacy). */
  metricsMode: 'prometheus' | 'log' | 'legacy';
  /** How often metrics_mode=log writes its lines (TorchServe's system metrics interval: 1 minute). */
  metricsLogIntervalMs: number;
  /** service_envelope: /predictions bodies read as KServe v1 (kserve) or v2 (kservev2) requests. */
  serviceEnvelope?: 'kserve' | 'kservev2';
  /** gRPC listeners (TorchServe's 7070/7071 from the command line; off when undefined, as in defaultOptions). */
  grpcInference?: Address;
  grpcManagement?: Address;
  /** enable_grpc_ssl: the gRPC listeners serve TLS with these PEM files. */
  grpcTls?: { certFile: string; keyFile: string };
  /** Interpreter of Python handlers (--python, MLSERVE_PYTHON; model-config.yaml `python` overrides per model). */
  python?: string;
  /** TorchServe's install_py_dep_per_model: pip-install each archive's requirements into a folder of the model. */
  installPyDepPerModel: boolean;
  /** The processor the models run on (--processor, MLSERVE_PROCESSOR): refused at start when unusable. */
  processor: ServeProcessor;
  /** Device numbers the server owns (--devices, MLSERVE_DEVICES; default: every visible one). */
  devices?: number[];
  /** Run on the CPU, and say so, when the processor cannot be used (--allow-cpu-fallback). */
  allowCpuFallback: boolean;
  /** inf: NeuronCores per device (--neuron-cores-per-device, MLSERVE_NEURON_CORES_PER_DEVICE; default 4, inf1's). */
  neuronCoresPerDevice?: number;
}

export const MODEL_CONTROL = ['none', 'poll', 'explicit'] as const;
export type ModelControl = (typeof MODEL_CONTROL)[number];

/**
 * The pid file a server uses when none is given: one per model store, so two servers with their
 * own stores on one machine neither refuse each other nor share a snapshot (which sits beside it).
 */
export function defaultPidFile(modelStore: string): string {
  const id = createHash('sha256').update(resolve(modelStore)).digest('hex').slice(0, 12);
  return join(tmpdir(), `.mlserve-${id}.pid`);
}

export function defaultOptions(): ServeOptions {
  const modelStore = resolve('model_store');
  return {
    modelStore,
    models: [],
    inference: { host: '127.0.0.1', port: 8080 },
    management: { host: '127.0.0.1', port: 8081 },
    metrics: { host: '127.0.0.1', port: 8082 },
    pidFile: defaultPidFile(modelStore),
    jobQueueSize: 100, // TorchServe's default
    defaultResponseTimeoutSec: 120,
    defaultStartupTimeoutSec: 120,
    maxRequestSize: 6_553_500, // TorchServe's default max_request_size
    batchSize: 1,
    maxBatchDelayMs: 100,
    workerConcurrency: 32,
    tokenAuth: false,
    drainTimeoutMs: 30_000,
    allowedUrls: [],
    maxDownloadSize: 2 ** 31,
    sharedWorkers: 0,
    processConcurrency: 16,
    maxModelMemory: 0,
    pollIntervalMs: 2_000,
    httpTransport: httpTransportFromEnv(),
    httpLimits: { ...DEFAULT_HTTP_LIMITS },
    workerLimits: { ...DEFAULT_WORKER_LIMITS },
    metricsMode: 'prometheus',
    metricsLogIntervalMs: 60_000,
    python: process.env.MLSERVE_PYTHON || undefined,
    installPyDepPerModel: false,
    processor: 'cpu',
    allowCpuFallback: false,
  };
}

/** MLSERVE_HTTP_TRANSPORT: how CI runs the whole suite on node:http too. */
function httpTransportFromEnv(): HttpTransport {
  const v = process.env.MLSERVE_HTTP_TRANSPORT;
  if (v === undefined || v === '') return 'auto';
  if ((HTTP_TRANSPORTS as readonly string[]).includes(v)) return v as HttpTransport;
  throw new MlsError('MLS_ERR_SERVE_CONFIG', { httpTransportEnv: { v, choices: HTTP_TRANSPORTS.join(', ') } });
}

/** `http://HOST:PORT`, `HOST:PORT` or `:PORT` (loopback). */
export function parseAddress(text: string, what: string): Address {
  const m = /^(?:http:\/\/)?(\[[^\]]+\]|[^:/]*):(\d{1,5})\/?$/.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    throw new MlsError('MLS_ERR_SERVE_ADDRESS', { syntax: { what, text } });
  }
  return { host: (m[1] || '127.0.0.1').replace(/^\[|\]$/g, ''), port };
}

const INT_KEYS = {
  default_workers_per_model: 'defaultWorkersPerModel',
  job_queue_size: 'jobQueueSize',
  default_response_timeout: 'defaultResponseTimeoutSec',
  default_startup_timeout: 'defaultStartupTimeoutSec',
  max_request_size: 'maxRequestSize',
  batch_size: 'batchSize',
  max_batch_delay: 'maxBatchDelayMs',
  intra_op_threads: 'intraOpThreads',
  worker_concurrency: 'workerConcurrency',
  drain_timeout: 'drainTimeoutMs',
  max_download_size: 'maxDownloadSize',
  shared_workers: 'sharedWorkers',
  process_concurrency: 'processConcurrency',
  model_poll_interval: 'pollIntervalMs',
} as const;

/** TorchServe keys that parse but change nothing here (threads, TLS, tokens, plugins...). */
const IGNORED_KEYS = new Set([
  'number_of_netty_threads', 'netty_client_threads', 'number_of_gpu', 'async_logging', 'vmargs', 'max_response_size',
  'enable_envvars_config', 'disable_system_metrics', 'metrics_format',
  'enable_metrics_api', 'model_snapshot', 'snapshot_store', 'workflow_store', 'cors_allowed_origin', 'cors_allowed_methods',
  'cors_allowed_headers', 'enable_model_api', 'model_control_mode', 'keystore', 'keystore_pass', 'keystore_type', 'decode_input_request', 'preload_model', 'prefer_direct_buffer',
  'default_service_handler', 'plugins_path', 'use_native_io', 'io_ratio', 'metrics_config', 'ts_config_file', 'models',
]);

/** Parses Java .properties text: `key=value` or `key: value`, `#`/`!` comments. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:]?\s*(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

export async function applyConfigFile(opts: ServeOptions, path: string, log: Logger): Promise<void> {
  const props = parseProperties(await readFile(path, 'utf8'));
  applyGrpcKeys(opts, props, path, log);
  for (const [key, value] of props) {
    if (GRPC_KEYS.has(key)) continue;
    const field = INT_KEYS[key as keyof typeof INT_KEYS];
    if (field) {
      if (!/^\d+$/.test(value)) throw new MlsError('MLS_ERR_SERVE_CONFIG', { notWholeNumber: { path, key, value } });
      opts[field] = Number(value);
    } else if (key === 'inference_address') opts.inference = parseAddress(value, `${path}: ${key}`);
    else if (key === 'management_address') opts.management = parseAddress(value, `${path}: ${key}`);
    else if (key === 'metrics_address') opts.metrics = parseAddress(value, `${path}: ${key}`);
    else if (key === 'model_store') opts.modelStore = resolve(value);
    else if (key === 'allowed_urls') opts.allowedUrls = parseAllowedUrls(value, path);
    else if (key === 'load_models') opts.models = parseModelList(value);
    else if (key === 'install_py_dep_per_model') opts.installPyDepPerModel = value.trim() === 'true';
    else if (key === 'disable_token_authorization') opts.tokenAuth = value.trim() !== 'true';
    else if (key === 'metrics_mode') opts.metricsMode = oneOf(path, key, value, ['prometheus', 'log', 'legacy'] as const);
    else if (key === 'service_envelope') opts.serviceEnvelope = value === '' ? undefined : oneOf(path, key, value, ['kserve', 'kservev2'] as const);
    else if (IGNORED_KEYS.has(key)) log.warn(`${path}: ${key} is a TorchServe setting mlserve does not use; ignored`);
    else throw new MlsError('MLS_ERR_SERVE_CONFIG', { unknownKey: { path, key } });
  }
}

function oneOf<T extends string>(path: string, key: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new MlsError('MLS_ERR_SERVE_CONFIG', { keyNotOneOf: { path, key, value, allowed: allowed.join(', ') } });
}

export const GRPC_DEFAULTS = { inference: { host: '127.0.0.1', port: 7070 }, management: { host: '127.0.0.1', port: 7071 } };

const GRPC_KEYS = new Set(['grpc_inference_port', 'grpc_management_port', 'grpc_inference_address', 'grpc_management_address', 'enable_grpc_ssl', 'certificate_file', 'private_key_file']);

/**
 * TorchServe's gRPC keys: grpc_{inference,management}_{address,port} (a host and a port, loopback and
 * 7070/7071 when only one is given), and enable_grpc_ssl, which needs PEM certificate_file and
 * private_key_file: TLS that is asked for and cannot be served is refused, never served in the clear.
 */
function applyGrpcKeys(opts: ServeOptions, props: Map<string, string>, path: string, log: Logger): void {
  for (const what of ['inference', 'management'] as const) {
    const host = props.get(`grpc_${what}_address`);
    const port = props.get(`grpc_${what}_port`);
    if (host === undefined && port === undefined) continue;
    if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535)) throw new MlsError('MLS_ERR_SERVE_CONFIG', { grpcPort: { path, what, port } });
    const key = what === 'inference' ? 'grpcInference' : 'grpcManagement';
    const base = opts[key] ?? GRPC_DEFAULTS[what];
    const h = host?.replace(/^\[|\]$/g, '').trim();
    if (h !== undefined && !h) throw new MlsError('MLS_ERR_SERVE_CONFIG', { grpcAddress: { path, what } });
    opts[key] = { host: h ?? base.host, port: port !== undefined ? Number(port) : base.port };
  }
  const cert = props.get('certificate_file');
  const key = props.get('private_key_file');
  if (props.get('enable_grpc_ssl')?.trim() === 'true') {
    if (!cert || !key) {
      throw new MlsError('MLS_ERR_SERVE_CONFIG', { grpcSslFiles: { path } });
    }
    opts.grpcTls = { certFile: resolve(cert), keyFile: resolve(key) };
  } else if (cert || key) log.warn(`${path}: certificate_file and private_key_file are used only with enable_grpc_ssl=true (mlserve serves plain HTTP); ignored`);
}

/** The command line's gRPC choice: TorchServe's 7070/7071 unless --no-grpc or other addresses. */
export function applyGrpcFlags(opts: ServeOptions, flags: { grpc?: boolean; grpcInferenceAddress?: string; grpcManagementAddress?: string }): void {
  if (flags.grpc === false) {
    opts.grpcInference = undefined;
    opts.grpcManagement = undefined;
    return;
  }
  opts.grpcInference = flags.grpcInferenceAddress ? parseAddress(flags.grpcInferenceAddress, '--grpc-inference-address') : (opts.grpcInference ?? GRPC_DEFAULTS.inference);
  opts.grpcManagement = flags.grpcManagementAddress ? parseAddress(flags.grpcManagementAddress, '--grpc-management-address') : (opts.grpcManagement ?? GRPC_DEFAULTS.management);
}

export function parseModelList(value: string | string[]): 'all' | string[] {
  const items = (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter(Boolean);
  if (items.length === 1 && (items[0] === 'all' || items[0] === 'ALL')) return 'all';
  if (items.length === 1 && items[0] === 'standalone') return [];
  return items;
}

export function parseProcessor(value: string, what: string): ServeProcessor {
  const v = value.trim().toLowerCase();
  if (!(SERVE_PROCESSORS as readonly string[]).includes(v)) throw new MlsError('MLS_ERR_SERVE_CONFIG', { notOneOf: { what, value, choices: SERVE_PROCESSORS.join(', ') } });
  return v as ServeProcessor;
}

/** `0,1` → [0, 1]: device numbers, distinct. */
export function parseDevices(value: string | string[], what: string): number[] {
  const items = (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter(Boolean);
  if (items.length === 0 || !items.every((d) => /^\d{1,3}$/.test(d))) throw new MlsError('MLS_ERR_SERVE_CONFIG', { deviceList: { what, value: String(value) } });
  const ids = items.map(Number);
  if (new Set(ids).size !== ids.length) throw new MlsError('MLS_ERR_SERVE_CONFIG', { deviceTwice: { what, value: String(value) } });
  return ids;
}

/** MLSERVE_PROCESSOR / MLSERVE_DEVICES (the images set MLSERVE_PROCESSOR): above the config file, below flags. */
export function applyProcessorEnv(opts: ServeOptions, env: NodeJS.ProcessEnv): void {
  if (env.MLSERVE_PROCESSOR) opts.processor = parseProcessor(env.MLSERVE_PROCESSOR, 'MLSERVE_PROCESSOR');
  if (env.MLSERVE_DEVICES) opts.devices = parseDevices(env.MLSERVE_DEVICES, 'MLSERVE_DEVICES');
  const cores = Number(env.MLSERVE_NEURON_CORES_PER_DEVICE);
  if (env.MLSERVE_NEURON_CORES_PER_DEVICE && !(Number.isInteger(cores) && cores > 0)) throw new MlsError('MLS_ERR_SERVE_CONFIG', { neuronCoresEnv: { value: env.MLSERVE_NEURON_CORES_PER_DEVICE } });
  if (cores > 0) opts.neuronCoresPerDevice = cores;
}
