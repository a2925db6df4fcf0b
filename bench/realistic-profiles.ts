// Profiles shaped like what `mlserve trace` writes for a real fleet, for bench/pack and the pack
// tests: mostly distinct models (memory and util measured on c5, inf1 and g4dn estimated from
// them by the catalog's scaling rules, as trace does), groups of identical copies (one model
// served for several tenants) and a few models with replicas: 2.
// Shapes vary what binds: `base` (light models: the c5 family's pooled vCPUs win), `cpu-heavy`
// (several cores each on the CPU: the accelerators win and some models fit no inf1 chip),
// `memory-heavy` (large weights: memory binds on every family), `wide` (both spread over two
// orders of magnitude) and `no-inf1` (a third of the models have no inf1 profile: they did not
// compile for Inferentia, so trace's catalog entry is left out).
import type { Catalog } from '../src/formats/catalog.js';
import type { ModelProfile, ModelProfiles } from '../src/formats/profiles.js';
import { familyResources } from '../src/trace/estimate.js';
import { lcg } from '../src/seeded-random.js';

const GB = 1e9;
const COPY_SHARE = 0.3; // of the models, in groups of identical copies
const REPLICA_SHARE = 0.08; // of the distinct models, with replicas: 2

export type FleetShape = 'base' | 'cpu-heavy' | 'memory-heavy' | 'wide' | 'no-inf1';
export const FLEET_SHAPES: FleetShape[] = ['base', 'cpu-heavy', 'memory-heavy', 'wide', 'no-inf1'];

interface ShapeSpec {
  memoryGb: [number, number];
  util: [number, number]; // % of one c5 core, as trace measures it
  log?: boolean; // log-uniform draws (sizes spread over orders of magnitude)
  noInf1Share?: number;
}

const SHAPES: Record<FleetShape, ShapeSpec> = {
  base: { memoryGb: [0.1, 2.4], util: [10, 180] },
  'cpu-heavy': { memoryGb: [0.1, 1.5], util: [80, 600] },
  'memory-heavy': { memoryGb: [1, 6], util: [10, 120] },
  wide: { memoryGb: [0.05, 6], util: [5, 600], log: true },
  'no-inf1': { memoryGb: [0.1, 2.4], util: [10, 180], noInf1Share: 0.33 },
};

/** `n` models (copies counted one by one), reproducible from `seed`. */
export function realisticProfiles(catalog: Catalog, n: number, seed: number, shape: FleetShape = 'base'): ModelProfiles {
  const spec = SHAPES[shape];
  const r = lcg(seed);
  const draw = ([lo, hi]: [number, number], q: number) => {
    const v = spec.log ? lo * (hi / lo) ** r() : lo + r() * (hi - lo);
    return Math.max(q, Math.round(v / q) * q);
  };
  const measured = () => ({ memory: draw(spec.memoryGb, 0.05) * GB, util: draw(spec.util, 1), p50Ms: 10, p90Ms: 20 });
  const resources = () => {
    const all = familyResources(catalog, measured());
    if (spec.noInf1Share && r() < spec.noInf1Share) delete all['inf1'];
    return all;
  };
  const models: ModelProfile[] = [];
  let copies = Math.round(n * COPY_SHARE);
  for (let g = 0; copies > 0; g++) {
    const size = Math.min(copies, 2 + Math.floor(r() * 7));
    const res = resources();
    for (let k = 0; k < size; k++) models.push({ name: `group${g}-copy${k}`, replicas: 1, resources: res });
    copies -= size;
  }
  for (let i = 0; models.length < n; i++) {
    const replicas = r() < REPLICA_SHARE ? 2 : 1;
    models.push({ name: `model${i}`, replicas, resources: resources() });
  }
  return { apiVersion: 'mlserve/v1', kind: 'ModelProfiles', models };
}
