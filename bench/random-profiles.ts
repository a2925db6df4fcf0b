// bench/pack.ts's case (b) and (c) models: distinct models with random memory (0.2–3.0 GB) and
// utilization (2–40 %) on inf1, and the same models 1.3× larger, 0.8× busier on g4dn.
import type { ModelProfiles } from '../src/formats/profiles.js';
import { lcg } from '../src/seeded-random.js';

const GB = 1e9;

export function randomProfiles(n: number, seed: number): ModelProfiles {
  const r = lcg(seed);
  const step = (lo: number, hi: number, q: number) => Math.round((lo + r() * (hi - lo)) / q) * q;
  return {
    apiVersion: 'mlserve/v1',
    kind: 'ModelProfiles',
    models: Array.from({ length: n }, (_, i) => {
      const mem = step(0.2, 3.0, 0.1);
      const util = step(2, 40, 1);
      const g4dn = { memory: (Math.round(mem * 1.3 * 10) / 10) * GB, util: Math.max(1, Math.round(util * 0.8)) };
      return { name: `m${i}`, replicas: 1, resources: { inf1: { memory: +(mem * GB).toFixed(0), util }, g4dn } };
    }),
  };
}
