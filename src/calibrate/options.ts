// From `mlserve calibrate` flags to CalibrateOptions: lists, SLO, payloads, concurrency levels.
// Flag parsing stays in the command; everything that reads files or validates values is here.
import { MlsError } from '../errors.js';
import { parseConcurrencyList, parseConcurrencyRange } from '../loadtest/concurrency-levels.js';
import { EMPTY_PAYLOAD, loadPayload, loadPayloadDir, type Payload } from '../loadtest/payloads.js';
import { parseSlo } from '../loadtest/slo.js';
import { readProfiles } from '../formats/profiles.js';
import { readFile } from 'node:fs/promises';
import { resolveLoadtestOptions } from '../loadtest/options.js';
import type { CalibrateOptions } from './run-calibrate.js';
import type { RecalibrateOptions } from './recalibrate-at-plan.js';

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
  catalog?: string;
  fromVerify?: string;
  plan?: string;
  deployment?: string;
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
    ...(f.catalog ? { catalog: f.catalog } : {}),
  };
}

/** --from-verify: the failed servers of the deployed plan are measured again (recalibrate-at-plan.ts). */
export async function resolveRecalibrateOptions(f: CalibrateFlags & { fromVerify: string }): Promise<RecalibrateOptions> {
  if (!f.plan || !f.deployment) throw new MlsError('MLS_ERR_USAGE', { fromVerifyNeedsPlan: {} });
  let slo = f.slo;
  if (!slo) {
    // The SLO the verification judged against, unless another is given.
    const report = JSON.parse(await readFile(f.fromVerify, 'utf8').catch(() => '{}')) as { slo?: unknown };
    if (typeof report.slo !== 'string') throw new MlsError('MLS_ERR_USAGE', { fromVerifyNoSlo: { file: f.fromVerify } });
    slo = report.slo;
  }
  const lt = await resolveLoadtestOptions({ deployment: f.deployment, models: [], mode: 'sequential', slo, payload: f.payload, payloadDir: f.payloadDir });
  return {
    profiles: f.profiles,
    out: f.out ?? f.profiles,
    verify: f.fromVerify,
    plan: f.plan,
    deployment: f.deployment,
    slo: lt.slo!,
    durationMs: f.durationMs ?? 3000,
    warmupMs: f.warmupMs ?? 1000,
    timeoutMs: f.timeoutMs ?? 10_000,
    requests: lt.targets,
    ...(f.catalog ? { catalog: f.catalog } : {}),
  };
}
