// From `mlserve calibrate` flags to CalibrateOptions: lists, SLO, payloads, concurrency levels.
// Flag parsing stays in the command; everything that reads files or validates values is here.
import { MlsError } from '../errors.js';
import { parseConcurrencyList, parseConcurrencyRange } from '../loadtest/concurrency-levels.js';
import { EMPTY_PAYLOAD, loadPayload, loadPayloadDir, type Payload } from '../loadtest/payloads.js';
import { parseSlo } from '../loadtest/slo.js';
import { readProfiles } from '../formats/profiles.js';
import type { CalibrateOptions } from './run-calibrate.js';

export interface CalibrateFlags {
  profiles: string;
  slo?: string;
  rpsPerModel?: number;
  batchSizes?: string[];
  workers?: string[];
  maxBatchDelayMs?: number;
  processor?: 'cpu' | 'gpu' | 'inf';
  family?: string;
  concurrency?: string[];
  durationMs?: number;
  warmupMs?: number;
  timeoutMs?: number;
  payload?: string;
  payloadDir?: string;
  out?: string;
}

/** Default concurrency levels of each configuration's sweep (stopped early at a plateau or the SLO). */
export const DEFAULT_CALIBRATE_CONCURRENCY = '1:128:x2';

export function parsePositiveList(values: string[], flag: string, max: number): number[] {
  const out = values.map((v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || n < 1 || n > max) throw new MlsError('MLS_ERR_CALIBRATE_BAD_LIST', { notInteger: { flag, v, max } });
    return n;
  });
  if (out.length === 0) throw new MlsError('MLS_ERR_CALIBRATE_BAD_LIST', { empty: { flag } });
  return [...new Set(out)].sort((a, b) => a - b);
}

export async function resolveCalibrateOptions(f: CalibrateFlags): Promise<CalibrateOptions> {
  if (f.payload && f.payloadDir) throw new MlsError('MLS_ERR_USAGE', { payloadOrDir: {} });
  if (!f.slo) throw new MlsError('MLS_ERR_USAGE', { calibrateNeedsSlo: {} });
  const slo = parseSlo(f.slo);
  let payloadFor: (model: string) => Payload = () => EMPTY_PAYLOAD;
  if (f.payloadDir) {
    const names = (await readProfiles(f.profiles)).models.map((m) => m.name);
    const byModel = await loadPayloadDir(f.payloadDir, names);
    payloadFor = (m) => byModel.get(m)!;
  } else if (f.payload) {
    const p = await loadPayload(f.payload);
    payloadFor = () => p;
  }
  const durationMs = f.durationMs ?? 3000;
  if (durationMs < 100) throw new MlsError('MLS_ERR_USAGE', { durationTooShort: { durationMs } });
  return {
    profiles: f.profiles,
    out: f.out ?? f.profiles,
    // Calibration counts failed requests against the SLO (a 503 from a full queue is not capacity).
    slo: { ...slo, maxErrorRate: slo.maxErrorRate ?? 0.01 },
    processor: f.processor ?? 'cpu',
    ...(f.rpsPerModel !== undefined ? { rpsPerModel: f.rpsPerModel } : {}),
    batchSizes: parsePositiveList(f.batchSizes ?? ['1', '4', '8'], '--batch-sizes', 1024),
    workers: parsePositiveList(f.workers ?? ['1', '2'], '--workers', 64),
    maxBatchDelayMs: Math.round(f.maxBatchDelayMs ?? 10),
    ...(f.family ? { family: f.family } : {}),
    concurrency: f.concurrency?.length ? parseConcurrencyList(f.concurrency) : parseConcurrencyRange(DEFAULT_CALIBRATE_CONCURRENCY),
    durationMs,
    warmupMs: f.warmupMs ?? 1000,
    timeoutMs: f.timeoutMs ?? 10_000,
    payloadFor,
  };
}
