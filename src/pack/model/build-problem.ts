// From profiles.yaml, the catalog and the caps to the solver's problem, refusing bad input with
// coded errors that name the model or instance type (before anything is solved or written).
import { MlsError } from '../../errors.js';
import type { Catalog, InstanceType } from '../../formats/catalog.js';
import type { ModelProfile, ModelProfiles, ResourceNeeds } from '../../formats/profiles.js';
import { formatBytes } from '../../units.js';
import { fitsEmpty, type BinType, type ItemSize, type ItemType, type Problem } from './problem.js';
import { EPS } from './tolerance.js';

export interface ProblemInputs {
  profiles: ModelProfiles;
  catalog: Catalog;
  instanceTypes?: string[]; // explicit list; default: every type of a family the profiles describe
  maxMemory?: number; // bytes per processor; default: the processor's memory
  maxUtil: number; // % per processor
  objective: 'cost' | 'count';
}

/** CPU families count util in % of one core: the instance (one processor) holds vcpus of them. */
export function perVcpu(catalog: Catalog, family: string): boolean {
  return catalog.families[family]?.utilPer === 'vcpu';
}

/** --max-mem caps accelerator memory; a CPU family's memory is host memory, bound by the host. */
function memCapApplies(inp: ProblemInputs, t: InstanceType): boolean {
  return inp.maxMemory !== undefined && !perVcpu(inp.catalog, t.family);
}

function chooseTypes(inp: ProblemInputs): Array<[string, InstanceType]> {
  const all = inp.catalog.instanceTypes;
  if (inp.instanceTypes) {
    if (inp.instanceTypes.length === 0) throw new MlsError('MLS_ERR_PACK_NO_INSTANCE_TYPES', { emptyList: {} });
    const out: Array<[string, InstanceType]> = [];
    for (const name of new Set(inp.instanceTypes)) {
      const t = all[name];
      if (!t) throw new MlsError('MLS_ERR_PACK_UNKNOWN_INSTANCE_TYPE', { name, known: Object.keys(all).join(', ') }, { details: { instanceType: name } });
      if (memCapApplies(inp, t) && inp.maxMemory! > t.processorMemory * (1 + EPS)) {
        throw new MlsError('MLS_ERR_PACK_CAP_ABOVE_CAPACITY', { maxMemory: formatBytes(inp.maxMemory!), processorMemory: formatBytes(t.processorMemory), name }, { details: { instanceType: name } });
      }
      out.push([name, t]);
    }
    return out;
  }
  const families = new Set(inp.profiles.models.flatMap((m) => Object.keys(m.resources)));
  const out = Object.entries(all).filter(([, t]) => families.has(t.family) && (!memCapApplies(inp, t) || t.processorMemory * (1 + EPS) >= inp.maxMemory!));
  if (out.length === 0) {
    throw new MlsError('MLS_ERR_PACK_NO_INSTANCE_TYPES', { noneFit: { families: [...families].join(', ') } });
  }
  return out;
}

function sizeOf(r: ResourceNeeds): ItemSize {
  const vcpus = typeof r['vcpus'] === 'number' ? r['vcpus'] : 0;
  return { proc: [r.memory, r.util], inst: [r.hostMemory ?? 0, vcpus] };
}

export function buildProblem(inp: ProblemInputs): Problem {
  const models = inp.profiles.models;
  if (models.length === 0) throw new MlsError('MLS_ERR_PACK_NO_MODELS');
  const names = new Set<string>();
  for (const m of models) {
    if (names.has(m.name)) throw new MlsError('MLS_ERR_PACK_DUPLICATE_MODEL', { name: m.name }, { details: { model: m.name } });
    names.add(m.name);
  }
  const types = chooseTypes(inp);
  const bins: BinType[] = types.map(([name, t]) => ({
    name,
    family: t.family,
    price: t.pricePerHour,
    cost: inp.objective === 'count' ? 1 : t.pricePerHour,
    procs: t.processors,
    procCap: [memCapApplies(inp, t) ? Math.min(inp.maxMemory!, t.processorMemory) : t.processorMemory, perVcpu(inp.catalog, t.family) ? inp.maxUtil * t.vcpus : inp.maxUtil],
    instCap: [Math.max(0, t.hostMemory - (t.reservedHostMemory ?? 0)), t.vcpus],
  }));
  const groups = new Map<string, ItemType>();
  for (const m of models) {
    const sizes = bins.map((b) => {
      const r = m.resources[b.family];
      return r ? sizeOf(r) : null;
    });
    const item: ItemType = { models: [modelRef(m)], demand: m.replicas, maxPerBin: m.replicas > 1 ? 1 : m.replicas, sizes };
    if (!bins.some((_, t) => fitsEmpty({ items: [], bins, objective: inp.objective }, item, t))) throw tooLarge(m, bins);
    // identical single-copy models are one type with a demand; replicated models stay apart
    const key = m.replicas > 1 ? `replicas:${m.name}` : JSON.stringify(sizes);
    const old = groups.get(key);
    if (old) {
      old.models.push(...item.models);
      old.demand += 1;
      old.maxPerBin = old.demand;
    } else groups.set(key, item);
  }
  return { items: [...groups.values()], bins, objective: inp.objective };
}

/** What the plan keeps of a model: its archive, whether it was traced or calibrated, and its rate (for `loadtest --verify`). */
function modelRef(m: ModelProfile): ItemType['models'][number] {
  const basis = m.measured?.basis ?? (m.measured ? 'traced' : undefined);
  const rps = m.measured?.rps;
  return { name: m.name, ...(m.archive ? { archive: m.archive } : {}), ...(basis ? { basis } : {}), ...(rps !== undefined ? { rps } : {}) };
}

function tooLarge(m: ModelProfile, bins: BinType[]): MlsError {
  const fams = Object.keys(m.resources);
  const usable = bins.filter((b) => fams.includes(b.family)).map((b) => b.name);
  const wording = usable.length === 0 ? { noProfile: { name: m.name, types: bins.map((b) => b.name).join(', ') } } : { doesNotFit: { name: m.name, types: usable.join(', ') } };
  return new MlsError('MLS_ERR_PACK_MODEL_TOO_LARGE', wording, { details: { model: m.name } });
}
