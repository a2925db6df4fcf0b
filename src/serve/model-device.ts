// The device of each model of a server (processor.ts holds the server's), and of each of its
// workers: ONNX models get onnxruntime's CUDA (or, opted in, TensorRT) provider on a GPU; Python
// handlers get context.system_properties.gpu_id, spread over the server's GPUs as TorchServe
// spreads workers (one counter for the whole server, or a model's own over its `deviceIds`).
import { MlsError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ModelDevice, ProcessorState } from './processor.js';

export interface ExecutionProvider {
  name: 'cuda' | 'tensorrt';
  deviceId: number;
}

/** What one worker is given: its GPU ordinal (Python) or the providers of its ONNX session (Node). */
export interface WorkerPlacement {
  gpuId?: number;
  executionProviders?: ExecutionProvider[];
}

const CUDA_MISSING =
  "onnxruntime-node's CUDA provider (libonnxruntime_providers_cuda.so) is not installed next to its binding: ONNX models cannot run on the GPU";

/** Decides where a model runs; throws when its server's processor cannot run it and no fallback is allowed. */
export function modelDevice(state: ProcessorState, workerKind: 'node' | 'python', model: string, log: Logger): ModelDevice {
  if (state.deviceType === 'cpu') return state.fallback ? { type: 'cpu', ids: [], fallback: state.fallback } : { type: 'cpu', ids: [] };
  let problem: MlsError | undefined;
  if (workerKind === 'node' && state.deviceType === 'neuron') {
    problem = new MlsError('MLS_ERR_SERVE_ONNX_ON_INF', { model });
  } else if (workerKind === 'node' && !state.cudaProvider) {
    problem = new MlsError('MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE', { cudaMissing: { model, reason: CUDA_MISSING } });
  }
  if (!problem) return { type: state.deviceType, ids: state.deviceIds };
  if (!state.allowCpuFallback) throw problem;
  log.warn(`${problem.message}: ${model} runs on the CPU (--allow-cpu-fallback)`);
  return { type: 'cpu', ids: [], fallback: problem.message };
}

/** The server-wide round robin over its GPUs (TorchServe: ++counter % n, so the first worker of a two-GPU server gets GPU 1). */
export class GpuCounter {
  private counter = 0;
  constructor(readonly n: number) {}
  next(): number {
    this.counter = (this.counter + 1) % this.n;
    return this.counter;
  }
}

function configDeviceIds(cfg: Record<string, unknown>, state: ProcessorState, model: string): number[] | undefined {
  const v = cfg.deviceIds;
  if (v === undefined) return undefined;
  const ids = Array.isArray(v) ? v : [v];
  if (ids.length === 0 || !ids.every((d) => typeof d === 'number' && state.deviceIds.includes(d))) {
    throw new MlsError('MLS_ERR_SERVE_CONFIG', { modelDeviceIds: { model, v: JSON.stringify(v), deviceIds: state.deviceIds.join(',') } });
  }
  return ids as number[];
}

/**
 * Where each new worker of a model goes: TorchServe's rule, a model-config.yaml `deviceIds` list
 * taken in turn per model, otherwise the server's counter. `tensorrt: true` in model-config.yaml
 * puts onnxruntime's TensorRT provider before CUDA for that model.
 */
export function workerPlacer(state: ProcessorState, device: ModelDevice, cfg: Record<string, unknown>, counter: GpuCounter, model: string): () => WorkerPlacement {
  if (device.type !== 'gpu') return () => ({});
  const own = configDeviceIds(cfg, state, model);
  let k = 0;
  const nextOrdinal = (): number => {
    if (!own) return state.ordinals[counter.next()]!;
    const id = own[k++ % own.length]!;
    return state.ordinals[state.deviceIds.indexOf(id)]!;
  };
  const tensorrt = cfg.tensorrt === true;
  return () => {
    const gpuId = nextOrdinal();
    const cuda: ExecutionProvider = { name: 'cuda', deviceId: gpuId };
    return { gpuId, executionProviders: tensorrt ? [{ name: 'tensorrt', deviceId: gpuId }, cuda] : [cuda] };
  };
}
