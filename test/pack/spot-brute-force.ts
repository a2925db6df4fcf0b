// Exhaustive optimum of tiny pack --spot problems (≤ 4 models of one replica each, accelerator
// families), written from the rule, not from the solver: every model either keeps its one copy on
// an on-demand instance or goes all-spot with survive + 1 copies in distinct pools (type × zone);
// every choice of pools is tried, each pool packed as tightly as possible, the on-demand copies
// in every way they can be packed (a dearer on-demand part can be what lets the spot share pass).
import type { Catalog } from '../../src/formats/catalog.js';
import type { ModelProfiles } from '../../src/formats/profiles.js';

interface Sizes {
  proc: number[];
  inst: number[];
}

export function bruteForceSpot(profiles: ModelProfiles, catalog: Catalog, caps: { memory: number; util: number }, rule: { survive: number; maxShare: number }): number {
  const models = profiles.models;
  const n = models.length;
  if (n > 4 || models.some((m) => m.replicas !== 1)) throw new Error('brute force takes ≤ 4 single-replica models');
  const types = Object.entries(catalog.instanceTypes);
  const size = (m: number, t: number): Sizes | null => {
    const r = models[m]!.resources[types[t]![1].family];
    return r ? { proc: [r.memory, r.util], inst: [r.hostMemory ?? 0, typeof r['vcpus'] === 'number' ? r['vcpus'] : 0] } : null;
  };
  const holdsCache = new Map<string, boolean>();
  const holds = (t: number, set: number): boolean => {
    const key = `${t}:${set}`;
    if (holdsCache.has(key)) return holdsCache.get(key)!;
    const it = types[t]![1];
    const ms = [...Array(n).keys()].filter((m) => set & (1 << m));
    const ss = ms.map((m) => size(m, t));
    let ok = ss.every((s) => s !== null);
    const procCap = [Math.min(caps.memory, it.processorMemory), caps.util];
    const instCap = [it.hostMemory - (it.reservedHostMemory ?? 0), it.vcpus];
    if (ok) ok = instCap.every((c, d) => ss.reduce((a, s) => a + s!.inst[d]!, 0) <= c + 1e-9);
    if (ok) {
      const used = Array.from({ length: it.processors }, () => [0, 0]);
      const place = (k: number): boolean => {
        if (k === ss.length) return true;
        for (const u of used) {
          if (ss[k]!.proc.every((v, d) => u[d]! + v <= procCap[d]! + 1e-9)) {
            ss[k]!.proc.forEach((v, d) => (u[d]! += v));
            if (place(k + 1)) return true;
            ss[k]!.proc.forEach((v, d) => (u[d]! -= v));
          }
        }
        return false;
      };
      ok = place(0);
    }
    holdsCache.set(key, ok);
    return ok;
  };
  // cheapest packing of a set of models on instances of one type at one price
  const minCache = new Map<string, number>();
  const minOn = (t: number, price: number, set: number): number => {
    if (set === 0) return 0;
    const key = `${t}:${set}`;
    if (minCache.has(key)) return minCache.get(key)!;
    let best = Infinity;
    const low = set & -set;
    for (let sub = set; sub; sub = (sub - 1) & set) if (sub & low && holds(t, sub)) best = Math.min(best, price + minOn(t, price, set ^ sub));
    minCache.set(key, best);
    return best;
  };
  // every cost an on-demand packing of a set can have
  const odCache = new Map<number, number[]>();
  const odCosts = (set: number): number[] => {
    if (set === 0) return [0];
    if (odCache.has(set)) return odCache.get(set)!;
    const out = new Set<number>();
    const low = set & -set;
    for (let sub = set; sub; sub = (sub - 1) & set) {
      if (!(sub & low)) continue;
      types.forEach(([, it], t) => {
        if (holds(t, sub)) for (const rest of odCosts(set ^ sub)) out.add(Math.round((it.pricePerHour + rest) * 1e6) / 1e6);
      });
    }
    const list = [...out].sort((a, b) => a - b);
    odCache.set(set, list);
    return list;
  };
  const pools: Array<{ t: number; price: number }> = [];
  types.forEach(([, it], t) => {
    if (!it.spot) return;
    for (const _z of it.spot.zones ?? catalog.spot?.zones ?? []) pools.push({ t, price: it.spot.pricePerHour });
  });
  const c = rule.survive + 1;
  const choices = (k: number, from: number): number[][] => (k === 0 ? [[]] : from >= pools.length ? [] : [...choices(k - 1, from + 1).map((r) => [from, ...r]), ...choices(k, from + 1)]);
  const poolSets = choices(c, 0);
  let best = Infinity;
  for (let spotMask = 0; spotMask < 1 << n; spotMask++) {
    const spotModels = [...Array(n).keys()].filter((m) => spotMask & (1 << m));
    const od = odCosts(((1 << n) - 1) ^ spotMask);
    const walk = (k: number, inPool: number[]) => {
      if (k === spotModels.length) {
        let s = 0;
        inPool.forEach((set, q) => (s += minOn(pools[q]!.t, pools[q]!.price, set)));
        if (!Number.isFinite(s)) return;
        for (const d of od) if (s <= rule.maxShare * (s + d) + 1e-9) best = Math.min(best, s + d);
        return;
      }
      for (const ps of poolSets) {
        const next = [...inPool];
        for (const q of ps) next[q] = next[q]! | (1 << spotModels[k]!);
        walk(k + 1, next);
      }
    };
    walk(0, pools.map(() => 0));
  }
  return best;
}
