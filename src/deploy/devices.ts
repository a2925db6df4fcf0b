// The processor each deployed server runs on, as the runtimes hand it over: `mlserve serve
// --processor` everywhere; where the runtime pins the device (local processes, docker) also the
// plan's processor index (--devices N) and only that device in the container (--gpus device=N,
// --device /dev/neuronN); on Kubernetes the device plugin picks the chip the pod gets, so the pod
// keeps the plugin's request, gets the NeuronCore range of one chip and the plan's index as a label.
import type { DeployServer } from './deploy-plan.js';

/** NeuronCores per Neuron device by instance family (inf1: 4 per Inferentia chip; inf2, trn1: 2). */
const NEURON_CORES: Record<string, number> = { inf1: 4, inf2: 2, trn1: 2, trn1n: 2 };

export function neuronCoresPerDevice(family: string): number {
  return NEURON_CORES[family] ?? 4;
}

/** `mlserve serve` flags of the server's processor; `pin`: name the plan's device (--devices). */
export function processorServeArgs(s: DeployServer, pin: boolean): string[] {
  if (s.processor === 'cpu') return ['--processor', 'cpu'];
  return [
    '--processor',
    s.processor,
    ...(pin ? ['--devices', String(s.processorIndex)] : []),
    ...(s.processor === 'inf' ? ['--neuron-cores-per-device', String(neuronCoresPerDevice(s.family))] : []),
  ];
}

/** `docker run` flags giving the container its device and nothing else. */
export function dockerDeviceArgs(s: DeployServer): string[] {
  if (s.processor === 'gpu') return ['--gpus', `device=${s.processorIndex}`];
  if (s.processor === 'inf') return ['--device', `/dev/neuron${s.processorIndex}`];
  return [];
}

/** The pod's NeuronCores: the cores of the one chip the device plugin gives it, numbered from 0 in the pod. */
export function kubernetesNeuronCores(s: DeployServer): { name: string; value: string } | undefined {
  if (s.processor !== 'inf') return undefined;
  return { name: 'NEURON_RT_VISIBLE_CORES', value: `0-${neuronCoresPerDevice(s.family) - 1}` };
}
