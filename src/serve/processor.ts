// The processor a server runs its models on (--processor cpu|gpu|inf, --devices), checked once at
// start, and the device each model and worker then gets. One place holds this state: the
// registry reads it at registration, the describe, v2 metadata and metrics code read each model's
// `device`. A server never runs silently on something else: when its processor cannot be used it
// refuses with MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE, or, with --allow-cpu-fallback, runs on the CPU
// and says so (log, describe, metadata, metrics).
import { MlsError } from '../errors.js';
import type { Logger } from '../log.js';
import type { DeviceProbe } from './devices.js';

export const SERVE_PROCESSORS = ['cpu', 'gpu', 'inf'] as const;
export type ServeProcessor = (typeof SERVE_PROCESSORS)[number];
/** TorchServe's describe names: cpu, gpu, and neuron for Inferentia / Trainium. */
export type DeviceType = 'cpu' | 'gpu' | 'neuron';

/** NeuronCores per device: inf1 has 4, inf2 and trn1 have 2 (MLSERVE_NEURON_CORES_PER_DEVICE overrides). */
export const DEFAULT_NEURON_CORES_PER_DEVICE = 4;

export interface ProcessorRequest {
  processor: ServeProcessor;
  /** Device numbers this server owns (default: every visible one). */
  devices?: number[];
  allowCpuFallback: boolean;
  neuronCoresPerDevice?: number;
  /** NEURON_RT_VISIBLE_CORES already set for this server (deploy sets it per pod): kept as it is. */
  visibleCores?: string;
}

export interface ProcessorState {
  requested: ServeProcessor;
  /** What the server's models run on (cpu after a fallback). */
  deviceType: DeviceType;
  /** The server's devices as this machine numbers them (/dev/nvidiaN, /dev/neuronN). */
  deviceIds: number[];
  /** The CUDA / Neuron ordinal of each device: its place among the visible ones (a container given /dev/nvidia3 sees it as cuda:0). */
  ordinals: number[];
  /** NEURON_RT_VISIBLE_CORES of the server's workers ("0-3"). */
  neuronCores?: string;
  /** onnxruntime-node's CUDA provider library (gpu), when installed. */
  cudaProvider?: string;
  allowCpuFallback: boolean;
  /** Why the server runs on the CPU although asked for gpu or inf. */
  fallback?: string;
}

/** What one model runs on (describe's deviceType / deviceIds, the metrics' device label). */
export interface ModelDevice {
  type: DeviceType;
  ids: number[];
  /** Why this model runs on the CPU of a gpu or inf server. */
  fallback?: string;
}

function unavailable(processor: ServeProcessor, problems: string[]): MlsError {
  return new MlsError('MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE', { processor: { processor, problems: problems.join('; ') } }, {
    details: { processor, problems },
  });
}

/** Contiguous ranges of NeuronCore numbers, as NEURON_RT_VISIBLE_CORES takes them ("0-3,8-11"). */
export function coreRanges(ordinals: number[], perDevice: number): string {
  return ordinals.map((o) => (perDevice === 1 ? `${o * perDevice}` : `${o * perDevice}-${o * perDevice + perDevice - 1}`)).join(',');
}

/** Checks the processor asked for; throws when it cannot be used and no fallback is allowed. */
export async function resolveProcessor(req: ProcessorRequest, probe: DeviceProbe, log: Logger): Promise<ProcessorState> {
  const base = { requested: req.processor, allowCpuFallback: req.allowCpuFallback };
  if (req.processor === 'cpu') {
    if (req.devices?.length) throw new MlsError('MLS_ERR_SERVE_CONFIG', { devicesNeedProcessor: {} });
    return { ...base, deviceType: 'cpu', deviceIds: [], ordinals: [] };
  }
  const gpu = req.processor === 'gpu';
  const visible = gpu ? await probe.gpus() : await probe.neuronDevices();
  const what = gpu ? 'NVIDIA GPU' : 'Neuron device';
  const problems: string[] = [];
  if (visible.length === 0) problems.push(gpu ? 'no NVIDIA GPU is visible (no /dev/nvidiaN, and `nvidia-smi -L` lists none)' : 'no Neuron device is visible (no /dev/neuronN)');
  const ids = req.devices?.length ? req.devices : visible;
  const missing = ids.filter((d) => !visible.includes(d));
  if (visible.length > 0 && missing.length > 0) problems.push(`${what} ${missing.join(',')} of --devices is not visible (visible: ${visible.join(',')})`);
  if (!gpu && !(await probe.neuronRuntime())) problems.push('the Neuron runtime library (libnrt.so) is not installed (looked in /opt/aws/neuron/lib and LD_LIBRARY_PATH)');
  if (problems.length > 0) {
    const e = unavailable(req.processor, problems);
    if (!req.allowCpuFallback) throw e;
    log.warn(`${e.message}: running on the CPU (--allow-cpu-fallback)`);
    return { ...base, deviceType: 'cpu', deviceIds: [], ordinals: [], fallback: problems.join('; ') };
  }
  const ordinals = ids.map((d) => visible.indexOf(d));
  const state: ProcessorState = { ...base, deviceType: gpu ? 'gpu' : 'neuron', deviceIds: ids, ordinals };
  if (gpu) {
    const cuda = await probe.cudaProvider();
    if (cuda) state.cudaProvider = cuda;
  } else {
    state.neuronCores = req.visibleCores || coreRanges(ordinals, req.neuronCoresPerDevice ?? DEFAULT_NEURON_CORES_PER_DEVICE);
  }
  log.info(`processor ${req.processor}: ${what} ${ids.join(',')}${state.neuronCores ? ` (NeuronCores ${state.neuronCores})` : ''}`);
  return state;
}

/** The server's state when no processor was asked for (cpu). */
export function cpuState(): ProcessorState {
  return { requested: 'cpu', deviceType: 'cpu', deviceIds: [], ordinals: [], allowCpuFallback: false };
}

/**
 * TorchServe's describe fields (deviceType, deviceIds: absent on the CPU, where TorchServe leaves
 * it null), with why the model runs on the CPU after a fallback.
 */
export function deviceFields(d: ModelDevice): Record<string, unknown> {
  return { deviceType: d.type, ...(d.ids.length > 0 ? { deviceIds: d.ids } : {}), ...(d.fallback ? { deviceFallback: d.fallback } : {}) };
}

/** The `device` label of the per-model metrics: cpu, gpu0 / gpu0,1, neuron0. */
export function deviceLabel(d: ModelDevice): string {
  return `${d.type}${d.ids.join(',')}`;
}

/** Open Inference Protocol v2 metadata `parameters`: where the model runs, and a fallback when there was one. */
export function deviceParameters(d: ModelDevice, requested: ServeProcessor): Record<string, unknown> {
  return {
    processor: requested,
    device_type: d.type,
    device_ids: d.ids.join(','),
    cpu_fallback: d.fallback !== undefined,
    ...(d.fallback ? { cpu_fallback_reason: d.fallback } : {}),
  };
}
