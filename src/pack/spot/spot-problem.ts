// pack --spot as an ordinary packing problem the existing solver takes, once it is decided how
// many models of each item type go all-spot (u). Bin types: every on-demand type, then every
// spot pool (instance type × zone) as a priced type of its own. Item types: the on-demand models
// of each type (on-demand bins only), and the all-spot copies split by zone (that zone's pools
// only), at most u copies per zone. Spot copy j of a type's models is model j mod u, and each
// zone takes a run of consecutive copies no longer than u: no model has two copies in one zone, so
// every all-spot model has its c copies in c distinct zones — c distinct pools — whatever the
// solver does within a zone. (A restriction: two copies in one zone on two instance types would
// be distinct pools too. The lower bound in spot-bound.ts does not assume it.)
import type { BinType, ItemType, Problem } from '../model/problem.js';
import { copiesPerInstance, type SpotSetup } from './spot-setup.js';

export interface SpotBinInfo {
  base: number; // bin type of the on-demand problem
  market: 'on-demand' | 'spot';
  zone?: string;
}

export interface SpotProblem {
  problem: Problem;
  bins: SpotBinInfo[];
  spotModels: number;
  addedReplicas: number;
}

/** Zones a spot copy of item i can go to: those with a pool it fits. */
export function zonesFor(set: SpotSetup, i: number): string[] {
  const it = set.base.items[i]!;
  return set.zones.filter((z) => set.offers.some((o, t) => o?.zones.includes(z) && it.sizes[t] && copiesPerInstance(set.base, i, t) > 0));
}

/** Whether item type i can go all-spot: its c copies need c zones. */
export function canGoSpot(set: SpotSetup, i: number): boolean {
  return zonesFor(set, i).length >= set.groups[i]!.c;
}

/**
 * Copies per zone for u all-spot models of item type i: at most u in each zone; whole instances'
 * worth (of the type cheapest per copy) where that leaves enough room in the zones after it, so a
 * zone ends in a partly filled instance only where the total does (2 × 2,000 copies at 76 per
 * instance over three zones: 1,976 + 1,976 + 48 — 53 instances, not 27 + 27). Zones are filled in
 * one order for every item type (most pools first, then catalog order), so each of the first c
 * zones holds one copy of most all-spot models and packs like the on-demand problem would:
 * spreading copies evenly over more zones leaves a partly filled instance in each.
 */
export function splitByZone(set: SpotSetup, i: number, u: number): Map<string, number> {
  const pools = (z: string) => set.offers.filter((o) => o?.zones.includes(z)).length;
  const zones = zonesFor(set, i).sort((a, b) => pools(b) - pools(a) || set.zones.indexOf(a) - set.zones.indexOf(b));
  // instances' worth on the spot type with the lowest price per copy
  let per = 1;
  let best = Infinity;
  set.offers.forEach((o, t) => {
    const n = o ? copiesPerInstance(set.base, i, t) : 0;
    if (n > 0 && o!.price / n < best) [best, per] = [o!.price / n, n];
  });
  let left = set.groups[i]!.c * u;
  const out = new Map<string, number>();
  zones.forEach((z, n) => {
    if (left <= 0) return;
    const after = (zones.length - n - 1) * u;
    let take = Math.min(u, left);
    const whole = Math.floor(take / per) * per;
    if (whole > 0 && left - whole <= after) take = whole;
    if (left - take > after) take = Math.min(u, left); // (cannot happen: kept for safety)
    out.set(z, take);
    left -= take;
  });
  if (left > 0) throw new Error(`item ${i}: ${left} spot copies left without a zone`);
  return out;
}

export function spotProblem(set: SpotSetup, u: number[]): SpotProblem {
  const p = set.base;
  const bins: BinType[] = [...p.bins];
  const info: SpotBinInfo[] = p.bins.map((_, t) => ({ base: t, market: 'on-demand' }));
  set.offers.forEach((o, t) => {
    for (const zone of o?.zones ?? []) {
      bins.push({ ...p.bins[t]!, price: o!.price, cost: o!.price });
      info.push({ base: t, market: 'spot', zone });
    }
  });
  const items: ItemType[] = [];
  let spotModels = 0;
  let addedReplicas = 0;
  p.items.forEach((it, i) => {
    const { k, r, c } = set.groups[i]!;
    const spot = Math.max(0, Math.min(k, u[i] ?? 0));
    const odModels = it.models.slice(0, k - spot);
    if (odModels.length > 0) {
      const demand = odModels.length * r;
      items.push({ models: odModels, demand, maxPerBin: r > 1 ? 1 : demand, sizes: info.map((b) => (b.market === 'on-demand' ? it.sizes[b.base] ?? null : null)) });
    }
    if (spot === 0) return;
    spotModels += spot;
    addedReplicas += (c - r) * spot;
    const models = it.models.slice(k - spot);
    let next = 0; // the next spot copy: model next mod spot
    for (const [zone, d] of splitByZone(set, i, spot)) {
      const window = Array.from({ length: d }, (_, j) => models[(next + j) % spot]!);
      next += d;
      // one model with several copies stays one entry (plan-build numbers its replicas)
      items.push({
        models: r > 1 || k === 1 ? [models[0]!] : window,
        demand: d,
        maxPerBin: k === 1 ? 1 : d,
        sizes: info.map((b) => (b.market === 'spot' && b.zone === zone ? it.sizes[b.base] ?? null : null)),
      });
    }
  });
  return { problem: { items, bins, objective: p.objective }, bins: info, spotModels, addedReplicas };
}
