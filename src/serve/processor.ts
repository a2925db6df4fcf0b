// The processor a server runs its models on (`--processor cpu|gpu|inf`, MLSERVE_PROCESSOR, and
// `--devices`, the device indices this server owns). Never silent: a processor that cannot be used
// (no device visible) refuses the start with a coded error, unless --allow-cpu-fallback, which runs
// on the CPU and says so. Python workers get the devices round-robin as TorchServe assigns GPUs
// (context.system_properties.gpu_id); on Inferentia they see only this server's NeuronCores.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { MlsError } from '../errors.js';

export const PROCESSORS = ['cpu', 'gpu', 'inf'] as const;
export type Processor = (typeof PROCESSORS)[number];

/** What this machine offers; injected in tests. */
export interface ProcessorProbe {
  /** Indices of the NVIDIA GPUs visible (/dev/nvidiaN). */
  gpus(): number[];
  /** Indices of the Neuron devices visible (/dev/neuronN). */
  neuronDevices(): number[];
  /** onnxruntime-node's CUDA execution provider library is installed. */
  onnxCuda(): boolean;
}

function devIndices(prefix: string): number[] {
  try {
    return readdirSync('/dev')
      .map((f) => new RegExp(`^${prefix}(\\d+)$`).exec(f)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  } catch {
    return [];
  }
}

export const machineProbe: ProcessorProbe = {
  gpus: () => devIndices('nvidia'),
  neuronDevices: () => devIndices('neuron'),
  onnxCuda() {
    try {
      const ortDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-node'));
      const bin = join(ortDir, '..', 'bin', 'napi-v6', process.platform, process.arch);
      return readdirSync(bin).some((f) => f.startsWith('libonnxruntime_providers_cuda'));
    } catch {
      return false;
    }
  },
};

export interface ProcessorPlan {
  /** What was asked for. */
  asked: Processor;
  /** What the models run on (cpu after a fallback). */
  used: Processor;
  /** Device indices this server owns (GPUs or NeuronCores); empty on the CPU. */
  devices: number[];
  /** Why the server fell back to the CPU (logged, and shown where the device is reported). */
  fallback?: string;
  /** ONNX models can run on the GPU (onnxruntime-node's CUDA provider is installed). */
  onnxOnDevice: boolean;
}

export interface ProcessorOptions {
  processor: Processor;
  devices?: number[];
  allowCpuFallback: boolean;
}

export function resolveProcessor(o: ProcessorOptions, probe: ProcessorProbe = machineProbe): ProcessorPlan {
  if (o.processor === 'cpu') return { asked: 'cpu', used: 'cpu', devices: [], onnxOnDevice: false };
  const visible = o.processor === 'gpu' ? probe.gpus() : probe.neuronDevices();
  const what = o.processor === 'gpu' ? 'NVIDIA GPU (/dev/nvidiaN)' : 'Neuron device (/dev/neuronN)';
  let reason: string | undefined;
  if (visible.length === 0) reason = `--processor ${o.processor}: no ${what} is visible to this server`;
  // NeuronCores are numbered per core, not per device file: only GPUs can be checked against /dev.
  const missing = o.processor === 'gpu' ? (o.devices ?? []).filter((d) => !visible.includes(d)) : [];
  if (!reason && missing.length > 0) reason = `--devices ${missing.join(',')}: no such GPU here (visible: ${visible.join(',')})`;
  if (reason) {
    if (!o.allowCpuFallback) {
      throw new MlsError('MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE', reason, { details: { processor: o.processor, visible } });
    }
    return { asked: o.processor, used: 'cpu', devices: [], fallback: `${reason}; running on the CPU (--allow-cpu-fallback)`, onnxOnDevice: false };
  }
  const devices = o.devices && o.devices.length > 0 ? o.devices : o.processor === 'gpu' ? visible : [0];
  return { asked: o.processor, used: o.processor, devices, onnxOnDevice: o.processor === 'gpu' && probe.onnxCuda() };
}

/** Hands out the server's devices round-robin, one per Python worker started (TorchServe's gpu_id rule). */
export class DeviceCycle {
  private next = 0;

  constructor(readonly plan: ProcessorPlan) {}

  /** The gpu_id for the next worker (undefined on the CPU and on Inferentia, where cores are set by env). */
  nextGpuId(): number | undefined {
    if (this.plan.used !== 'gpu' || this.plan.devices.length === 0) return undefined;
    return this.plan.devices[this.next++ % this.plan.devices.length];
  }

  /** Environment of Python workers: Inferentia workers see only this server's NeuronCores. */
  workerEnv(): Record<string, string> {
    return this.plan.used === 'inf' ? { NEURON_RT_VISIBLE_CORES: this.plan.devices.join(',') } : {};
  }
}

/**
 * Whether an ONNX model (Node worker) may be registered on this server: on Inferentia never
 * (onnxruntime has no Neuron provider); on a GPU only with onnxruntime-node's CUDA provider,
 * unless falling back to the CPU is allowed.
 */
export function checkOnnxPlacement(plan: ProcessorPlan, model: string, allowCpuFallback: boolean): string | undefined {
  if (plan.used === 'inf') {
    throw new MlsError('MLS_ERR_SERVE_ONNX_ON_INFERENTIA', `${model}: an ONNX model cannot run on Inferentia: onnxruntime has no Neuron execution provider`, { details: { model } });
  }
  if (plan.used !== 'gpu' || plan.onnxOnDevice) return undefined;
  const reason = `${model}: onnxruntime-node's CUDA execution provider is not installed, so this ONNX model cannot use the GPU`;
  if (!allowCpuFallback) throw new MlsError('MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE', reason, { details: { model, processor: 'gpu' } });
  return `${reason}; it runs on the CPU (--allow-cpu-fallback)`;
}
