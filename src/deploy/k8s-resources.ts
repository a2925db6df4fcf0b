// Kubernetes resource requests of one server, from the plan: the server owns one processor of its
// instance (a GPU or an Inferentia chip is requested as one device; a CPU server asks for its
// share of the vCPUs in proportion to the planned utilization) and the memory its models need
// plus the runtime's own overhead.
import type { DeployServer } from './deploy-plan.js';
import type { InstanceShape, ProcessorTable } from './processors.js';

const MI = 1024 * 1024;

/** Parses the small set of quantities processors.yaml uses (256Mi, 1Gi, 100m, 2). */
export function parseQuantity(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti)?$/.exec(q.trim());
  if (!m) throw new Error(`unsupported quantity ${q}`);
  const n = Number(m[1]);
  const unit = m[2];
  if (unit === 'm') return n / 1000;
  const pow = { Ki: 1, Mi: 2, Gi: 3, Ti: 4 }[unit ?? ''] ?? 0;
  return n * 1024 ** pow;
}

export interface ServerResources {
  requests: Record<string, string>;
  limits: Record<string, string>;
}

export function serverResources(s: DeployServer, table: ProcessorTable, shape: InstanceShape | undefined): ServerResources {
  const overheadBytes = parseQuantity(table.overhead.memory);
  const overheadCpu = parseQuantity(table.overhead.cpu);
  // CPU servers hold their models in host memory; accelerator servers hold the weights on the
  // device and need host memory only for what the plan says (or the device size as a bound).
  const hostBytes = s.processor === 'cpu' ? s.memory : (s.hostMemory ?? s.memory);
  const memory = `${Math.ceil((hostBytes + overheadBytes) / MI)}Mi`;
  const vcpusPerProcessor = shape ? shape.vcpus / shape.processors : 1;
  const cores = s.processor === 'cpu' ? (vcpusPerProcessor * Math.min(s.util, 100)) / 100 : vcpusPerProcessor / 2;
  const cpu = `${Math.max(1, Math.ceil(Number(((cores + overheadCpu) * 1000).toFixed(6))))}m`; // toFixed: 3300.0000001 is 3300
  const limits: Record<string, string> = { memory };
  if (s.device) limits[s.device] = '1';
  return { requests: { cpu, memory }, limits };
}
