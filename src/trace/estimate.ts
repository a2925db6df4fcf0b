// Resources of one model per processor family: the local CPU is measured (as `c5`), families that
// cannot be measured here are estimated from it with the catalog's documented scaling rule
// (families.<f>.scaling: memoryFactor, utilFactor, latencyFactor) and marked `estimated: true`.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { MlsError, isMlsError } from '../errors.js';
import { readCatalog, type Catalog } from '../formats/catalog.js';
import type { ResourceNeeds } from '../formats/profiles.js';
import { PACKAGE_ROOT } from '../paths.js';

/** The family the local CPU stands for. */
export const MEASURED_FAMILY = 'c5';

export const DEFAULT_CATALOG = join(PACKAGE_ROOT, 'src/pack/default-catalog.yaml');

export async function loadCatalog(path: string = DEFAULT_CATALOG): Promise<Catalog> {
  if (!existsSync(path)) {
    throw new MlsError('MLS_ERR_TRACE_CATALOG', { notFound: { path } }, { details: { file: path } });
  }
  try {
    return await readCatalog(path);
  } catch (e) {
    if (isMlsError(e)) throw new MlsError('MLS_ERR_TRACE_CATALOG', { invalid: { reason: e.message } }, { details: { file: path }, cause: e });
    throw e;
  }
}

export interface MeasuredFigures {
  memory: number;
  util: number;
  p50Ms: number;
  p90Ms: number;
}

/** One resources entry per family: the measured one first, then each family with a scaling rule. */
export function familyResources(catalog: Catalog, measured: MeasuredFigures): Record<string, ResourceNeeds> {
  const round = (v: number, digits = 3) => Number(v.toPrecision(digits));
  const memory = Math.round(measured.memory);
  // hostMemory: the serving process's host RAM for the model. On the CPU it is the memory itself;
  // accelerators still read and stage the weights on the host, so estimates keep the CPU figure.
  // vcpus: cores busy at the expected rate (util is percent of one core), for hosts' vCPU capacity.
  const out: Record<string, ResourceNeeds> = {
    [MEASURED_FAMILY]: { memory, util: round(measured.util), hostMemory: memory, vcpus: round(measured.util / 100), p50Ms: measured.p50Ms, p90Ms: measured.p90Ms },
  };
  for (const [family, spec] of Object.entries(catalog.families)) {
    const s = spec.scaling;
    if (!s || family === MEASURED_FAMILY) continue;
    if (s.from !== MEASURED_FAMILY && s.from !== 'cpu') {
      throw new MlsError('MLS_ERR_TRACE_CATALOG', { scalingFrom: { family, from: s.from, measured: MEASURED_FAMILY } });
    }
    const latency = s.latencyFactor ?? 1;
    out[family] = {
      memory: Math.round(measured.memory * s.memoryFactor),
      hostMemory: memory,
      util: round(measured.util * s.utilFactor),
      estimated: true,
      p50Ms: round(measured.p50Ms * latency, 4),
      p90Ms: round(measured.p90Ms * latency, 4),
      basis: `${MEASURED_FAMILY} × families.${family}.scaling`,
    };
  }
  return out;
}
