// One model's entry in profiles.yaml, from what was checked and measured.
//
// util (percent of one processor busy per second at the expected rate):
//   util = busyMsPerRequest(batch 1) × rps / 1000 ms × 100 = busyMsPerRequest × rps / 10
// where busyMsPerRequest is the processor time (user + system, all threads of the measuring
// process) spent per batch-1 request, averaged over the timed window. Measured with one intra-op
// thread, so "one processor" is one core (vCPU) of the measuring host. Processor time rather than
// wall time keeps the figure steady on a shared machine (waiting for a core is not work).
import { relative, dirname, isAbsolute, resolve } from 'node:path';
import { formatBytes } from '../units.js';
import type { ModelProfile, ResourceNeeds } from '../formats/profiles.js';
import type { MeasuredFigures } from './estimate.js';
import type { HostInfo } from './host-info.js';
import type { Measurement, LatencyStats } from './measure.js';
import type { OptimizeResult } from './optimize.js';
import { SERVING_LEVEL, type Processor } from './session.js';

export interface ProfileInputs {
  name: string;
  input: string;
  /** The archive to deploy (rebuilt with the optimized model when --write-archive). */
  archive: string | undefined;
  out: string;
  optimized: OptimizeResult;
  measurement: Measurement;
  rps: number;
  host: HostInfo;
  processor: Processor;
  /** Copies of the model to place (pack honours it). */
  replicas?: number;
}

export function utilPercent(busyMsPerRequest: number, rps: number): number {
  return (busyMsPerRequest * rps) / 10;
}

/** Paths in profiles.yaml are relative to the file's folder when inside it, absolute otherwise. */
export function pathFromProfiles(out: string, path: string): string {
  const rel = relative(dirname(resolve(out)), resolve(path));
  return rel.startsWith('..') || isAbsolute(rel) ? resolve(path) : rel;
}

function latencyFields(s: LatencyStats): Record<string, number> {
  return { p50Ms: s.p50Ms, p90Ms: s.p90Ms, p95Ms: s.p95Ms, p99Ms: s.p99Ms };
}

export function buildProfile(p: ProfileInputs, resourcesFor: (m: MeasuredFigures) => Record<string, ResourceNeeds>): ModelProfile {
  const m = p.measurement;
  const single = m.latency[0]!;
  const batched = m.latency.find((l) => l.batch > 1);
  const memory = Math.max(m.memory.afterLoad, m.memory.peakInference);
  const resources = resourcesFor({ memory, util: utilPercent(single.busyMsPerRequest, p.rps), p50Ms: single.p50Ms, p90Ms: single.p90Ms });
  return {
    name: p.name,
    ...(p.archive ? { archive: pathFromProfiles(p.out, p.archive) } : {}),
    replicas: p.replicas ?? 1,
    resources,
    latency: latencyFields(single),
    measured: {
      source: pathFromProfiles(p.out, p.input),
      optimizedModel: pathFromProfiles(p.out, p.optimized.optimizedPath),
      processor: p.processor,
      graphOptimization: p.optimized.level,
      servedWith: SERVING_LEVEL,
      family: Object.keys(resources)[0],
      host: { cpu: p.host.cpu, logicalCpus: p.host.logicalCpus, threads: p.host.threads, onnxruntime: p.host.onnxruntime },
      rps: p.rps,
      loadMs: m.loadMs,
      memory: {
        afterLoad: formatBytes(m.memory.afterLoad),
        peakLoad: formatBytes(m.memory.peakLoad),
        peakInference: formatBytes(m.memory.peakInference),
        baselineRss: formatBytes(m.memory.baselineRss),
        runtimeOnce: formatBytes(m.memory.runtime),
      },
      busyMsPerRequest: single.busyMsPerRequest,
      iterations: single.iterations,
      ...(batched
        ? {
            batch: {
              size: batched.batch,
              ...latencyFields(batched),
              busyMsPerRequest: batched.busyMsPerRequest,
              util: Number(utilPercent(batched.busyMsPerRequest, p.rps).toPrecision(3)),
            },
          }
        : { batch: { size: 1, note: 'an input has a fixed leading dimension: no batching' } }),
      maxAbsDiff: p.optimized.maxAbsDiff,
      tracedAt: new Date().toISOString(),
    },
  };
}
