// What one unit of util is for the family calibrate writes, and how many of those units the
// measured server occupied, so that util means what pack assumes (src/pack/model/build-problem.ts):
//   - a CPU family (catalog `utilPer: vcpu`, c5): util is % of ONE vCPU, an instance holds
//     vcpus × --max-util. A calibration server on the CPU gives each worker process
//     intraOpThreads cores (serve's default 1), so W workers occupy W × threads vCPUs, at most the
//     host's logical CPUs: capacity per vCPU = capacity ÷ units.
//   - an accelerator family (`utilPer: processor`, inf1, g4dn): util is % of ONE processor (a GPU,
//     an Inferentia chip), an instance holds `processors` of them at --max-util each. Calibrate
//     gives its server one device, so units = 1 whatever the worker count.
// util = expected rate ÷ (capacity ÷ units) × 100. Counting workers that wait rather than compute
// (a handler calling out to something) as busy overstates their util: it is an upper bound then.
import { cpus } from 'node:os';
import { MlsError } from '../errors.js';
import type { Catalog } from '../formats/catalog.js';
import { processorFor, type ProcessorKind, type ProcessorTable } from '../deploy/processors.js';

export interface UnitsRule {
  processor: ProcessorKind;
  family: string;
  /** What one unit of util is: a vCPU, or one processor of the family (GPU, Inferentia chip). */
  per: 'vcpu' | 'processor';
  /** The host's logical CPUs (the most a CPU server can occupy). */
  hostCpus: number;
}

/** Checks that the family is in the catalog and of the processor kind measured on. */
export function unitsRule(family: string, processor: ProcessorKind, where: { catalog: Catalog; table: ProcessorTable; hostCpus?: number }): UnitsRule {
  const { catalog, table, hostCpus = cpus().length } = where;
  const spec = catalog.families[family];
  if (!spec && !Object.values(catalog.instanceTypes).some((t) => t.family === family)) {
    throw new MlsError('MLS_ERR_CALIBRATE_FAMILY_MISMATCH', { notInCatalog: { family } }, { details: { family } });
  }
  const kind = processorFor(table, family).processor;
  if (kind !== processor) {
    throw new MlsError('MLS_ERR_CALIBRATE_FAMILY_MISMATCH', { otherProcessor: { family, kind, processor } }, {
      details: { family, processor, familyProcessor: kind },
    });
  }
  const per = spec?.utilPer === 'vcpu' ? 'vcpu' : 'processor';
  if (processor === 'cpu' && per !== 'vcpu') {
    throw new MlsError('MLS_ERR_CALIBRATE_FAMILY_MISMATCH', { cpuPerInstance: { family } }, {
      details: { family },
    });
  }
  return { processor, family, per, hostCpus };
}

/** Units of util the measured server occupied with this many workers of this many threads each. */
export function serverUnits(rule: UnitsRule, workers: number, threadsPerWorker: number): number {
  if (rule.per === 'processor') return 1; // one device, shared by the workers
  return Math.max(1, Math.min(workers * threadsPerWorker, rule.hostCpus));
}

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;

/** % of one unit the model keeps busy at `rps`: rate ÷ capacity per unit × 100. */
export function calibratedUtil(rps: number, capacity: number, units: number): number {
  return round((rps / (capacity / units)) * 100, 3);
}
