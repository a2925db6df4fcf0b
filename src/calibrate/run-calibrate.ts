// `mlserve calibrate`: each model (one per group of identical archives) on a live local server,
// searched over batch size × workers with a concurrency sweep each, for the highest throughput
// meeting the SLO; the profiles are rewritten with what was measured. Every model is measured
// before anything is written, so a failure leaves the profiles as they were. Never prints.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { MlsError } from '../errors.js';
import { readProfiles, writeProfiles, type ModelProfile } from '../formats/profiles.js';
import { runLoadtest } from '../loadtest/run-loadtest.js';
import { formatSlo, sloLatency } from '../loadtest/slo.js';
import { modelRequest } from '../loadtest/targets.js';
import type { Payload } from '../loadtest/payloads.js';
import type { Slo } from '../loadtest/types.js';
import { MEASURED_FAMILY } from '../trace/estimate.js';
import { writeCalibratedArchive } from './calibrated-archive.js';
import { applyCalibration, calibratedUtil } from './profile-update.js';
import { searchConfigs, type ConfigMeasurement, type SearchConfig } from './search.js';
import { startCalibrationServer, type CalibrationServer } from './server-control.js';

export interface CalibrateOptions {
  profiles: string;
  out: string;
  slo: Slo;
  processor: 'cpu' | 'gpu' | 'inf';
  rpsPerModel?: number;
  batchSizes: number[];
  workers: number[];
  maxBatchDelayMs: number;
  /** Family the measured figures are written to (default: the profile's measured.family, else c5). */
  family?: string;
  concurrency: number[];
  durationMs: number;
  warmupMs: number;
  timeoutMs: number;
  payloadFor: (model: string) => Payload;
  /** Folder for the calibrated copies of the archives (default: calibrated/ beside --out). */
  archiveDir?: string;
}

export type CalibrateEvent =
  | { type: 'group-start'; models: string[] }
  | { type: 'config-done'; model: string; result: ConfigMeasurement }
  | { type: 'group-done'; models: string[]; best: ConfigMeasurement };

export interface CalibratedModel {
  name: string;
  /** The model actually measured for this one (itself, or an identical archive). */
  measuredAs: string;
  capacity: number;
  config: SearchConfig & { maxBatchDelay: number; concurrency: number };
  rps: number;
  util: number;
  memory: number;
  archive: string;
}

export interface CalibrateResult {
  profiles: string;
  slo: string;
  models: CalibratedModel[];
  tried: ConfigMeasurement[];
}

export async function runCalibrate(o: CalibrateOptions, onEvent: (e: CalibrateEvent) => void = () => {}, signal?: AbortSignal): Promise<CalibrateResult> {
  if (o.processor !== 'cpu') {
    // serve runs ONNX on the CPU only in this build: measuring there and calling it a GPU would be a lie.
    throw new MlsError('MLS_ERR_CALIBRATE_PROCESSOR_UNAVAILABLE', { processor: o.processor });
  }
  const doc = await readProfiles(o.profiles);
  for (const m of doc.models) {
    if (!m.archive) throw new MlsError('MLS_ERR_CALIBRATE_NO_ARCHIVE', { name: m.name, profiles: o.profiles }, { details: { model: m.name } });
    if (rateOf(m, o) === undefined) throw new MlsError('MLS_ERR_CALIBRATE_NO_RATE', { name: m.name }, { details: { model: m.name } });
  }
  // Archive paths in profiles are relative to the profiles file (as trace writes them).
  const archiveOf = (m: ModelProfile): string => resolve(dirname(o.profiles), m.archive!);
  const groups = await groupIdentical(doc.models, archiveOf);
  const archiveDir = o.archiveDir ?? join(dirname(o.out), 'calibrated');
  const at = new Date().toISOString();
  const slo = formatSlo(o.slo);
  const best = new Map<string, { m: ConfigMeasurement; tried: number }>();
  const tried: ConfigMeasurement[] = [];
  const server = await startCalibrationServer();
  try {
    for (const group of groups) {
      const lead = group[0]!;
      onEvent({ type: 'group-start', models: group.map((m) => m.name) });
      const measure = (c: SearchConfig): Promise<ConfigMeasurement> => measureConfig(server, lead.name, archiveOf(lead), c, o, signal);
      const r = await searchConfigs(o.batchSizes, o.workers, async (c) => {
        const m = await measure(c);
        onEvent({ type: 'config-done', model: lead.name, result: m });
        return m;
      });
      tried.push(...r.tried);
      if (!r.best) {
        throw new MlsError('MLS_ERR_CALIBRATE_SLO_UNREACHABLE', { name: lead.name, slo, triedCount: r.tried.length }, {
          details: { model: lead.name, tried: r.tried },
        });
      }
      onEvent({ type: 'group-done', models: group.map((m) => m.name), best: r.best });
      for (const m of group) best.set(m.name, { m: r.best, tried: r.tried.length });
    }
  } finally {
    await server.stop();
  }

  const models: CalibratedModel[] = [];
  const updated: ModelProfile[] = [];
  for (const p of doc.models) {
    const b = best.get(p.name)!;
    const rps = rateOf(p, o)!;
    const batching = { batchSize: b.m.config.batchSize, maxBatchDelay: o.maxBatchDelayMs, workers: b.m.config.workers };
    const written = await writeCalibratedArchive(archiveOf(p), join(archiveDir, p.name), batching);
    const archive = relative(dirname(resolve(o.out)), resolve(written));
    const family = o.family ?? p.measured?.family ?? MEASURED_FAMILY;
    updated.push(applyCalibration(p, b.m, { family, rps, slo, maxBatchDelay: o.maxBatchDelayMs, archive, tried: b.tried, at }));
    const lead = groups.find((g) => g.some((x) => x.name === p.name))![0]!;
    models.push({
      name: p.name,
      measuredAs: lead.name,
      capacity: b.m.capacity,
      config: { ...batching, concurrency: b.m.concurrency },
      rps,
      util: calibratedUtil(rps, b.m.capacity),
      memory: b.m.memory,
      archive,
    });
  }
  await writeProfiles(o.out, { ...doc, createdAt: at, models: updated });
  return { profiles: o.out, slo, models, tried };
}

function rateOf(m: ModelProfile, o: CalibrateOptions): number | undefined {
  const r = o.rpsPerModel ?? m.measured?.rps;
  return r !== undefined && r > 0 ? r : undefined;
}

async function measureConfig(server: CalibrationServer, name: string, archive: string, c: SearchConfig, o: CalibrateOptions, signal?: AbortSignal): Promise<ConfigMeasurement> {
  await server.load(name, archive, { batchSize: c.batchSize, maxBatchDelay: o.maxBatchDelayMs, workers: c.workers });
  const endpoint = { model: name, inference: server.inference, predictUrl: `${server.inference}/predictions/${encodeURIComponent(name)}` };
  const report = await runLoadtest(
    {
      mode: 'sweep',
      targets: [modelRequest(endpoint, o.payloadFor(name))],
      concurrency: o.concurrency,
      durationMs: o.durationMs,
      warmupMs: o.warmupMs,
      timeoutMs: o.timeoutMs,
      slo: o.slo,
      plateauSteps: 2,
      minGain: 0.05,
      seed: 1,
    },
    undefined,
    signal,
  );
  const memory = await server.memory(name);
  const knee = report.knee;
  if (!knee) return { config: c, capacity: 0, concurrency: 0, memory };
  return { config: c, capacity: knee.throughput, concurrency: knee.concurrency, latencyMs: sloLatency(knee.latencyMs, o.slo.percentile), memory };
}

/** Models whose archives are byte for byte the same are measured once (capacity does not depend on the rate). */
async function groupIdentical(models: ModelProfile[], archiveOf: (m: ModelProfile) => string): Promise<ModelProfile[][]> {
  const groups = new Map<string, ModelProfile[]>();
  for (const m of models) {
    const key = await archiveKey(archiveOf(m));
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()];
}

async function archiveKey(path: string): Promise<string> {
  if ((await stat(path)).isDirectory()) return `dir:${await realpath(path)}`;
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
