// A machine with the given devices and libraries, for the processor tests (no GPU or Neuron here).
import { execFileSync } from 'node:child_process';
import type { DeviceProbe } from '../../src/serve/devices.js';

export function probe(m: { gpus?: number[]; neuron?: number[]; cuda?: boolean; nrt?: boolean }): DeviceProbe {
  return {
    gpus: async () => m.gpus ?? [],
    neuronDevices: async () => m.neuron ?? [],
    cudaProvider: async () => (m.cuda ? '/x/libonnxruntime_providers_cuda.so' : undefined),
    neuronRuntime: async () => (m.nrt ? '/opt/aws/neuron/lib/libnrt.so.1' : undefined),
  };
}

/** True when this Python has torch with a usable CUDA device (then its worker would not refuse a GPU). */
export function torchSeesCuda(python: string | undefined): boolean {
  try {
    return python ? execFileSync(python, ['-c', 'import torch; print(torch.cuda.is_available())'], { timeout: 120_000, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() === 'True' : false;
  } catch {
    return false;
  }
}
