// trace --processor gpu|inf on a machine that has the device: the model is measured there, through
// the worker paths `mlserve serve` uses (a Python worker given gpu_id or its NeuronCores; an ONNX
// session on onnxruntime's CUDA provider), and the families of that processor kind get the
// measured figures with `estimated: false`. Without the device, trace estimates them from the CPU
// measurement as before. A device that is present but refuses the model (torch without CUDA, no
// torch-neuron) fails that model with the serve check's code: never a CPU figure called a device one.
import { TEMPLATES_DIR } from '../paths.js';
import { silentLogger } from '../log.js';
import type { ResourceNeeds } from '../formats/profiles.js';
import type { LoadRequest } from '../serve/ipc/messages.js';
import { systemProbe, type DeviceProbe } from '../serve/devices.js';
import { resolveProcessor, type ProcessorState } from '../serve/processor.js';
import { loadProcessorTable, processorFor, type ProcessorTable } from '../deploy/processors.js';
import type { Measurement } from './measure.js';
import type { Processor } from './session.js';

export interface TraceDevice {
  processor: 'gpu' | 'inf';
  /** The device measured on (the first visible one), as the machine numbers it. */
  deviceId: number;
  state: ProcessorState;
  /** templates/processors.yaml: which catalog families are of this processor kind. */
  table: ProcessorTable;
}

/** The device trace measures on, or undefined (cpu, or none usable here: estimate from the catalog). */
export async function traceDevice(processor: Processor, probe: DeviceProbe = systemProbe()): Promise<TraceDevice | undefined> {
  if (processor === 'cpu') return undefined;
  const state = await resolveProcessor({ processor, allowCpuFallback: true }, probe, silentLogger);
  if (state.deviceType === 'cpu') return undefined;
  const one = { ...state, deviceIds: state.deviceIds.slice(0, 1), ordinals: state.ordinals.slice(0, 1) };
  return { processor, deviceId: one.deviceIds[0]!, state: one, table: await loadProcessorTable(TEMPLATES_DIR) };
}

/** What puts a Python trace worker on the device: load fields (checked in the worker, no fallback) and its environment. */
export function pythonOnDevice(d: TraceDevice): { load: Partial<LoadRequest>; env?: Record<string, string> } {
  if (d.processor === 'gpu') return { load: { gpuId: d.state.ordinals[0]!, device: { type: 'gpu', allowCpuFallback: false } } };
  return { load: { device: { type: 'neuron', allowCpuFallback: false } }, env: { NEURON_RT_VISIBLE_CORES: d.state.neuronCores ?? '0' } };
}

/** onnxruntime providers of an ONNX measurement on the GPU; undefined where ONNX cannot run on the device (no CUDA provider, Neuron). */
export function onnxProviders(d: TraceDevice): Array<{ name: 'cuda'; deviceId: number }> | undefined {
  return d.processor === 'gpu' && d.state.cudaProvider ? [{ name: 'cuda', deviceId: d.state.ordinals[0]! }] : undefined;
}

/**
 * On a device the worker's CPU time is not the device's busy time: a request keeps the device for
 * its wall time (requests run one after another while measuring), so that is what util counts.
 */
export function deviceBusy(m: Measurement): Measurement {
  return { ...m, latency: m.latency.map((l) => ({ ...l, busyMsPerRequest: Number((l.meanMs / l.batch).toFixed(4)) })) };
}

/**
 * The catalog families of the device's processor kind (templates/processors.yaml) take the
 * measured figures; memory stays the worker's host RSS (device memory is not read here), said in `basis`.
 */
export function withDeviceFigures(resources: Record<string, ResourceNeeds>, measured: ResourceNeeds, d: TraceDevice): Record<string, ResourceNeeds> {
  const table = d.table;
  const out = { ...resources };
  for (const family of Object.keys(resources)) {
    let kind: string;
    try {
      kind = processorFor(table, family).processor;
    } catch {
      continue; // a family processors.yaml does not know keeps its estimate
    }
    if (kind !== d.processor) continue;
    out[family] = { ...measured, estimated: false, basis: `measured on ${d.processor} ${d.deviceId} (memory: host RSS of the worker)` };
  }
  return out;
}
