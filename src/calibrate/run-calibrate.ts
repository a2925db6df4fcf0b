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
import { loadCatalog, MEASURED_FAMILY } from '../trace/estimate.js';
import { TEMPLATES_DIR } from '../paths.js';
import { loadProcessorTable, processorFor } from '../deploy/processors.js';
import type { DeviceProbe } from '../serve/devices.js';
import type { Catalog } from '../formats/catalog.js';
import { archiveIntraOpThreads, writeCalibratedArchive } from './calibrated-archive.js';
import { calibrationDevice } from './device-check.js';
import { applyCalibration } from './profile-update.js';
import { calibratedUtil, serverUnits, unitsRule, type UnitsRule } from './processor-units.js';
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
  /** Instance catalog whose families util is written for (default: the shipped one). */
  catalog?: string;
  /** Where gpu / inf devices are looked for (tests pass their own; default: this machine). */
  probe?: DeviceProbe;
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
  /** The family util was written for, and the units (vCPUs or processors) the measured server occupied. */
  family: string;
  units: number;
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
  // Refused before anything starts when the machine lacks the processor: never a CPU figure called a device one.
  const device = await calibrationDevice(o.processor, o.probe);
  const [doc, catalog, table] = await Promise.all([readProfiles(o.profiles), loadCatalog(o.catalog), loadProcessorTable(TEMPLATES_DIR)]);
  const rules = new Map<string, UnitsRule>();
  for (const m of doc.models) {
    if (!m.archive) throw new MlsError('MLS_ERR_CALIBRATE_NO_ARCHIVE', { name: m.name, profiles: o.profiles }, { details: { model: m.name } });
    if (rateOf(m, o) === undefined) throw new MlsError('MLS_ERR_CALIBRATE_NO_RATE', { name: m.name }, { details: { model: m.name } });
    rules.set(m.name, unitsRule(familyOf(m, o, (f) => processorFor(table, f).processor), o.processor, { catalog, table }));
  }
  // Archive paths in profiles are relative to the profiles file (as trace writes them).
  const archiveOf = (m: ModelProfile): string => resolve(dirname(o.profiles), m.archive!);
  const groups = await groupIdentical(doc.models, archiveOf);
  const archiveDir = o.archiveDir ?? join(dirname(o.out), 'calibrated');
  const at = new Date().toISOString();
  const slo = formatSlo(o.slo);
  const best = new Map<string, { m: ConfigMeasurement; tried: number }>();
  const tried: ConfigMeasurement[] = [];
  const threads = new Map<string, number>();
  const server = await startCalibrationServer(device);
  try {
    for (const group of groups) {
      const lead = group[0]!;
      threads.set(lead.name, await archiveIntraOpThreads(archiveOf(lead)));
      onEvent({ type: 'group-start', models: group.map((m) => m.name) });
      const measure = (c: SearchConfig): Promise<ConfigMeasurement> => measureConfig(server, lead.name, archiveOf(lead), c, o, signal);
      const r = await searchConfigs(o.batchSizes, o.workers, async (c) => {
        const m = await measure(c);
        onEvent({ type: 'config-done', model: lead.name, result: m });
        return m;
      });
      tried.push(...r.tried);
      if (!r.best) {
        throw new MlsError('MLS_ERR_CALIBRATE_SLO_UNREACHABLE', { model: { name: lead.name, slo, triedCount: r.tried.length } }, {
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
    const rule = rules.get(p.name)!;
    const lead = groups.find((g) => g.some((x) => x.name === p.name))![0]!;
    const units = serverUnits(rule, b.m.config.workers, threads.get(lead.name)!);
    const estimates = estimatedFrom(catalog, rule);
    updated.push(applyCalibration(p, b.m, { family: rule.family, units, per: rule.per, rps, slo, maxBatchDelay: o.maxBatchDelayMs, archive, tried: b.tried, at, estimates }));
    models.push({
      name: p.name,
      measuredAs: lead.name,
      capacity: b.m.capacity,
      config: { ...batching, concurrency: b.m.concurrency },
      rps,
      util: calibratedUtil(rps, b.m.capacity, units),
      family: rule.family,
      units,
      memory: b.m.memory,
      archive,
    });
  }
  await writeProfiles(o.out, { ...doc, createdAt: at, models: updated });
  return { profiles: o.out, slo, models, tried };
}

/**
 * The family whose util is replaced: --family, else on the CPU the profile's measured family (c5),
 * else the one family of the profile that runs on the processor measured (g4dn for gpu, inf1 for inf).
 */
function familyOf(m: ModelProfile, o: CalibrateOptions, kindOf: (family: string) => string): string {
  if (o.family) return o.family;
  if (o.processor === 'cpu') return m.measured?.family ?? MEASURED_FAMILY;
  const fams = Object.keys(m.resources).filter((f) => {
    try {
      return kindOf(f) === o.processor;
    } catch {
      return false;
    }
  });
  if (fams.length === 1) return fams[0]!;
  throw new MlsError('MLS_ERR_CALIBRATE_FAMILY_MISMATCH', { ambiguous: { name: m.name, families: fams.length === 0 ? 'no family' : `families ${fams.join(', ')}`, processor: o.processor } }, {
    details: { model: m.name, processor: o.processor, families: fams },
  });
}

/** Families the catalog scales from the calibrated one (as trace's estimates: from c5, or from "cpu" for a CPU family). */
function estimatedFrom(catalog: Catalog, rule: UnitsRule): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [family, spec] of Object.entries(catalog.families)) {
    const s = spec.scaling;
    if (s && family !== rule.family && (s.from === rule.family || (s.from === 'cpu' && rule.processor === 'cpu'))) out[family] = s.utilFactor;
  }
  return out;
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
