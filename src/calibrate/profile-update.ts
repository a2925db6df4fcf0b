// What calibrate writes into a profile: the measured capacity and the configuration that reached
// it, util recomputed from the expected rate (rate ÷ capacity × 100, the share of one processor the
// model keeps busy at that rate when the processor's whole capacity is what was measured), memory
// as the server's resident memory for the model, and a calibration record whose version counts the
// calibrations of this profile. The traced figures are kept under measured.calibration.previous.
import type { ModelProfile } from '../formats/profiles.js';
import type { ConfigMeasurement } from './search.js';

export interface CalibrationFacts {
  family: string;
  rps: number;
  slo: string;
  maxBatchDelay: number;
  /** The archive now serving the calibrated configuration (its model-config has the batching). */
  archive: string;
  tried: number;
  at: string;
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

export function calibratedUtil(rps: number, capacity: number): number {
  return round((rps / capacity) * 100, 3);
}

export function applyCalibration(p: ModelProfile, m: ConfigMeasurement, f: CalibrationFacts): ModelProfile {
  const old = p.resources[f.family];
  const prevCalibration = p.measured?.calibration;
  const previous = prevCalibration?.['previous'] ?? (old ? { util: old.util, memory: old.memory, basis: p.measured?.basis ?? 'traced' } : undefined);
  const { estimated: _estimated, ...kept } = old ?? { memory: 0, util: 0 };
  return {
    ...p,
    archive: f.archive,
    resources: { ...p.resources, [f.family]: { ...kept, memory: m.memory, util: calibratedUtil(f.rps, m.capacity) } },
    measured: {
      ...p.measured,
      basis: 'calibrated',
      family: f.family,
      rps: f.rps,
      capacity: round(m.capacity),
      config: { batchSize: m.config.batchSize, maxBatchDelay: f.maxBatchDelay, workers: m.config.workers, concurrency: m.concurrency },
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
