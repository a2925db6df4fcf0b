// From command-line flags to LoadtestOptions: targets from deployment.yaml or --url, payloads,
// concurrency levels, SLO. Flag parsing stays in the command; everything that reads files is here.
import { MlsError } from '../errors.js';
import { parseConcurrencyList, parseConcurrencyRange } from './concurrency-levels.js';
import { loadPayload, loadPayloadDir, type Payload } from './payloads.js';
import { fetchInputMetadata, payloadFromMetadata } from './generated-payload.js';
import { parseSlo } from './slo.js';
import { endpointsFromDeployment, endpointsFromUrl, modelRequest, type Endpoint } from './targets.js';
import type { LoadtestMode, LoadtestOptions } from './types.js';

export interface LoadtestFlags {
  deployment?: string;
  url?: string;
  models?: string[];
  mode?: LoadtestMode;
  concurrency?: string[];
  concurrencyRange?: string;
  durationMs?: number;
  warmupMs?: number;
  timeoutMs?: number;
  payload?: string;
  payloadDir?: string;
  slo?: string;
  seed?: number;
}

export const DEFAULT_CONCURRENCY_RANGE = '1:256:x2';

export async function resolveLoadtestOptions(f: LoadtestFlags): Promise<LoadtestOptions> {
  if (Boolean(f.deployment) === Boolean(f.url)) {
    throw new MlsError('MLS_ERR_LOADTEST_NO_TARGET', f.url ? { both: {} } : { none: {} });
  }
  if (f.payload && f.payloadDir) throw new MlsError('MLS_ERR_USAGE', { payloadOrDir: {} });
  if (f.concurrency?.length && f.concurrencyRange) throw new MlsError('MLS_ERR_USAGE', { concurrencyOrRange: {} });
  // Everything that needs no server first: a usage error is reported before any request is sent.
  const concurrency = f.concurrency?.length
    ? parseConcurrencyList(f.concurrency)
    : parseConcurrencyRange(f.concurrencyRange ?? DEFAULT_CONCURRENCY_RANGE);
  const durationMs = f.durationMs ?? 10_000;
  if (durationMs < 100) throw new MlsError('MLS_ERR_USAGE', { durationTooShort: { durationMs } });
  const slo = f.slo ? parseSlo(f.slo) : undefined;
  const models = f.models ?? [];
  const endpoints = f.url ? await endpointsFromUrl(f.url, models) : await endpointsFromDeployment(f.deployment!, models);
  const seed = f.seed ?? 1;

  let payloadFor: (model: string) => Payload;
  if (f.payloadDir) {
    const byModel = await loadPayloadDir(f.payloadDir, endpoints.map((e) => e.model));
    payloadFor = (m) => byModel.get(m)!;
  } else if (f.payload) {
    const p = await loadPayload(f.payload);
    payloadFor = () => p;
  } else {
    const generated = await generatedPayloads(endpoints, seed);
    payloadFor = (m) => generated.get(m)!;
  }

  return {
    mode: f.mode ?? 'sweep',
    targets: endpoints.map((e) => modelRequest(e, payloadFor(e.model))),
    concurrency,
    durationMs,
    warmupMs: f.warmupMs ?? 2000,
    timeoutMs: f.timeoutMs ?? 30_000,
    ...(slo ? { slo } : {}),
    plateauSteps: 2,
    minGain: 0.05,
    seed,
  };
}

/** No payload given: one request per model built from its /v2/models/{m} metadata (seeded). */
async function generatedPayloads(endpoints: Endpoint[], seed: number): Promise<Map<string, Payload>> {
  const out = new Map<string, Payload>();
  for (const e of endpoints) out.set(e.model, payloadFromMetadata(e.model, await fetchInputMetadata(e.inference, e.model), seed));
  return out;
}
