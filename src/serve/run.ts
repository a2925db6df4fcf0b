// `mlserve serve` as a service: options (defaults < config.properties < flags), pid file, start,
// wait for SIGTERM/SIGINT, then a graceful shutdown (stop accepting, drain, stop workers).
import { resolve } from 'node:path';
import type { Logger } from '../log.js';
import { applyConfigFile, applyGrpcFlags, applyProcessorEnv, defaultOptions, defaultPidFile, parseAddress, parseDevices, parseModelList, parseProcessor, type ModelControl, type ServeOptions } from './config.js';
import { availableParallelism } from 'node:os';
import { claimPidFile, releasePidFile } from './pid-file.js';
import { startServer, type ServeHandle } from './server.js';
import type { HttpTransport } from './http/transport-check.js';

export interface ServeFlags {
  modelStore?: string;
  models?: string[];
  config?: string;
  inferenceAddress?: string;
  managementAddress?: string;
  metricsAddress?: string;
  pidFile?: string;
  workers?: number;
  jobQueueSize?: number;
  tokenAuth?: boolean;
  keyFile?: string;
  /** false with --no-snapshot */
  snapshot?: boolean;
  snapshotFile?: string;
  sharedWorkers?: number;
  python?: string;
  maxModelMemory?: number;
  modelControl?: ModelControl;
  pollInterval?: number;
  httpTransport?: HttpTransport;
  /** false with --no-grpc */
  grpc?: boolean;
  grpcInferenceAddress?: string;
  grpcManagementAddress?: string;
  processor?: string;
  devices?: string[];
  allowCpuFallback?: boolean;
  neuronCoresPerDevice?: number;
}

export async function resolveServeOptions(flags: ServeFlags, log: Logger): Promise<ServeOptions> {
  const opts = defaultOptions();
  if (flags.config) await applyConfigFile(opts, flags.config, log);
  applyProcessorEnv(opts, process.env);
  if (flags.processor) opts.processor = parseProcessor(flags.processor, '--processor');
  if (flags.devices) opts.devices = parseDevices(flags.devices, '--devices');
  if (flags.allowCpuFallback) opts.allowCpuFallback = true;
  if (flags.neuronCoresPerDevice !== undefined) opts.neuronCoresPerDevice = flags.neuronCoresPerDevice;
  if (flags.modelStore) opts.modelStore = resolve(flags.modelStore);
  if (flags.models) opts.models = parseModelList(flags.models);
  if (flags.inferenceAddress) opts.inference = parseAddress(flags.inferenceAddress, '--inference-address');
  if (flags.managementAddress) opts.management = parseAddress(flags.managementAddress, '--management-address');
  if (flags.metricsAddress) opts.metrics = parseAddress(flags.metricsAddress, '--metrics-address');
  opts.pidFile = flags.pidFile ? resolve(flags.pidFile) : defaultPidFile(opts.modelStore);
  if (flags.workers !== undefined) opts.defaultWorkersPerModel = flags.workers;
  if (flags.jobQueueSize !== undefined) opts.jobQueueSize = flags.jobQueueSize;
  if (flags.tokenAuth) opts.tokenAuth = true;
  if (flags.keyFile) opts.keyFile = resolve(flags.keyFile);
  if (flags.sharedWorkers !== undefined) opts.sharedWorkers = flags.sharedWorkers;
  if (flags.python !== undefined) opts.python = flags.python;
  if (flags.maxModelMemory !== undefined) opts.maxModelMemory = flags.maxModelMemory;
  if (flags.modelControl) opts.modelControl = flags.modelControl;
  if (flags.pollInterval !== undefined) opts.pollIntervalMs = flags.pollInterval;
  if (flags.httpTransport) opts.httpTransport = flags.httpTransport;
  applyGrpcFlags(opts, flags);
  // A memory budget means loading and unloading models on demand: that is the shared group's job.
  if (opts.maxModelMemory > 0 && opts.sharedWorkers === 0) opts.sharedWorkers = availableParallelism();
  // The snapshot sits next to the pid file: one per server, like the pid file.
  if (flags.snapshot !== false) opts.snapshotFile = flags.snapshotFile ? resolve(flags.snapshotFile) : `${opts.pidFile.replace(/\.pid$/, '')}.snapshot.json`;
  return opts;
}

/** Runs until SIGTERM or SIGINT; `onReady` is called once listening with the initial models loaded. */
export async function runServe(flags: ServeFlags, log: Logger, onReady: (h: ServeHandle) => void): Promise<void> {
  const opts = await resolveServeOptions(flags, log);
  await claimPidFile(opts.pidFile);
  let handle: ServeHandle;
  try {
    handle = await startServer(opts, log);
  } catch (e) {
    await releasePidFile(opts.pidFile);
    throw e;
  }
  // Listeners stay installed until shutdown is over: a second signal must not kill the process
  // half-way through draining (and with no listener left, Node's default action would).
  let onSignal: (s: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<NodeJS.Signals>((done) => (onSignal = done));
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  onReady(handle);
  const signal = await stopped;
  log.info(`${signal}: draining and stopping`);
  try {
    await handle.close();
  } finally {
    await releasePidFile(opts.pidFile);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
