// What calibrate writes into a profile: the measured capacity and the configuration that reached
// it, util recomputed from the expected rate in the unit pack counts for the family (rate ÷
// capacity per vCPU or per processor × 100: processor-units.ts), memory as the server's resident
// memory for the model, and a calibration record whose version counts the calibrations of this
// profile. The traced figures are kept under measured.calibration.previous.
import type { ModelProfile } from '../formats/profiles.js';
import { calibratedUtil } from './processor-units.js';
import type { ConfigMeasurement } from './search.js';

export interface CalibrationFacts {
  family: string;
  /** Units of util (vCPUs, or processors of the family) the measured server occupied. */
  units: number;
  per: 'vcpu' | 'processor';
  rps: number;
  slo: string;
  maxBatchDelay: number;
  /** The archive now serving the calibrated configuration (its model-config has the batching). */
  archive: string;
  tried: number;
  at: string;
  /**
   * Families the catalog estimates from the one calibrated (families.<f>.scaling.from), with their
   * utilFactor: a profile's estimated entries of them follow the calibrated util, as trace derives
   * them from the traced one, so pack does not weigh a measured family against a stale estimate.
   */
  estimates?: Record<string, number>;
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

/** The profile's resources with the calibrated family measured and its estimated families re-derived from it. */
function calibratedResources(p: ModelProfile, m: ConfigMeasurement, f: CalibrationFacts, util: number): ModelProfile['resources'] {
  const { estimated: _estimated, basis: _basis, ...kept } = p.resources[f.family] ?? { memory: 0, util: 0 };
  // A CPU family's host dimensions are the same figures (trace writes them so): keep them in step.
  const host: Record<string, number> = f.per === 'vcpu' ? { hostMemory: m.memory, vcpus: round(util / 100, 4) } : {};
  const resources: ModelProfile['resources'] = { ...p.resources, [f.family]: { ...kept, memory: m.memory, util, ...host } };
  for (const [family, factor] of Object.entries(f.estimates ?? {})) {
    const e = resources[family];
    if (e?.estimated) resources[family] = { ...e, util: Number((util * factor).toPrecision(3)), basis: `${f.family} calibrated × families.${family}.scaling` };
  }
  return resources;
}

export function applyCalibration(p: ModelProfile, m: ConfigMeasurement, f: CalibrationFacts): ModelProfile {
  const old = p.resources[f.family];
  const prevCalibration = p.measured?.calibration;
  const previous = prevCalibration?.['previous'] ?? (old ? { util: old.util, memory: old.memory, basis: p.measured?.basis ?? 'traced' } : undefined);
  const util = calibratedUtil(f.rps, m.capacity, f.units);
  const resources = calibratedResources(p, m, f, util);
  return {
    ...p,
    archive: f.archive,
    resources,
    measured: {
      ...p.measured,
      basis: 'calibrated',
      family: f.family,
      rps: f.rps,
      capacity: round(m.capacity),
      config: { batchSize: m.config.batchSize, maxBatchDelay: f.maxBatchDelay, workers: m.config.workers, concurrency: m.concurrency, units: f.units, unitsPer: f.per },
      calibration: {
        version: (prevCalibration?.version ?? 0) + 1,
        at: f.at,
        slo: f.slo,
        ...(m.latencyMs !== undefined ? { latencyMs: round(m.latencyMs) } : {}),
        configurationsTried: f.tried,
        ...(previous ? { previous } : {}),
      },
    },
  };
}
