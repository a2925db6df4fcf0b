// Profiles shaped like what `mlserve trace` writes for a real fleet, for bench/pack and the pack
// tests: mostly distinct models (memory and util measured on c5, inf1 and g4dn estimated from
// them by the catalog's scaling rules, as trace does), groups of identical copies (one model
// served for several tenants) and a few models with replicas: 2.
import type { Catalog } from '../src/formats/catalog.js';
import type { ModelProfile, ModelProfiles } from '../src/formats/profiles.js';
import { familyResources } from '../src/trace/estimate.js';
import { lcg } from '../src/seeded-random.js';

const GB = 1e9;
const COPY_SHARE = 0.3; // of the models, in groups of identical copies
const REPLICA_SHARE = 0.08; // of the distinct models, with replicas: 2

/** `n` models (copies counted one by one), reproducible from `seed`. */
export function realisticProfiles(catalog: Catalog, n: number, seed: number): ModelProfiles {
  const r = lcg(seed);
  const step = (lo: number, hi: number, q: number) => Math.round((lo + r() * (hi - lo)) / q) * q;
  const measured = () => ({
    // c5 figures as trace measures them: 0.1–2.4 GB resident, 10–180 % of one core busy
    memory: step(0.1, 2.4, 0.05) * GB,
    util: step(10, 180, 1),
    p50Ms: 10,
    p90Ms: 20,
  });
  const models: ModelProfile[] = [];
  let copies = Math.round(n * COPY_SHARE);
  for (let g = 0; copies > 0; g++) {
    const size = Math.min(copies, 2 + Math.floor(r() * 7));
    const resources = familyResources(catalog, measured());
    for (let k = 0; k < size; k++) models.push({ name: `group${g}-copy${k}`, replicas: 1, resources });
    copies -= size;
  }
  for (let i = 0; models.length < n; i++) {
    const replicas = r() < REPLICA_SHARE ? 2 : 1;
    models.push({ name: `model${i}`, replicas, resources: familyResources(catalog, measured()) });
  }
  return { apiVersion: 'mlserve/v1', kind: 'ModelProfiles', models };
}
