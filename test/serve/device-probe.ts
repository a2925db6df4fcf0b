// A machine with the given devices and libraries, for the processor tests (no GPU or Neuron here).
import type { DeviceProbe } from '../../src/serve/devices.js';

export function probe(m: { gpus?: number[]; neuron?: number[]; cuda?: boolean; nrt?: boolean }): DeviceProbe {
  return {
    gpus: async () => m.gpus ?? [],
    neuronDevices: async () => m.neuron ?? [],
    cudaProvider: async () => (m.cuda ? '/x/libonnxruntime_providers_cuda.so' : undefined),
    neuronRuntime: async () => (m.nrt ? '/opt/aws/neuron/lib/libnrt.so.1' : undefined),
  };
}
