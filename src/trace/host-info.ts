// What the measured figures were measured on: recorded in each profile so that a reader can tell
// a laptop's numbers from a c5's.
import { cpus, totalmem } from 'node:os';
import ort from '../onnxruntime.js';

export interface HostInfo {
  cpu: string;
  logicalCpus: number;
  /** onnxruntime intra-op threads used while measuring. */
  threads: number;
  memory: number;
  onnxruntime: string;
  node: string;
}

export function hostInfo(threads: number): HostInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    logicalCpus: list.length,
    threads,
    memory: totalmem(),
    onnxruntime: ort.env.versions.node ?? ort.env.versions.common,
    node: process.versions.node,
  };
}
