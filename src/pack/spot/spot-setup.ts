// pack --spot: what the spot formulation starts from. The on-demand problem as buildProblem makes
// it, the spot offer of each of its instance types (price, interruption band, zones) from the
// catalog, and per item type the numbers the survivability rule is written in: k models, r copies
// of each in profiles.yaml, c = max(r, survive + 1) copies when the model goes all-spot.
import { MlsError } from '../../errors.js';
import type { Catalog, InterruptionBand } from '../../formats/catalog.js';
import type { Problem } from '../model/problem.js';
import { EPS } from '../model/tolerance.js';

export interface SpotRule {
  survive: number; // spot pools that may be interrupted at once
  maxShare: number; // cap on the spot share of the hourly cost (0..1)
}

export interface SpotOfferOf {
  price: number;
  band: InterruptionBand;
  zones: string[];
}

export interface SpotSetup extends SpotRule {
  base: Problem; // on-demand bins and the item types of the profiles
  offers: Array<SpotOfferOf | null>; // per base bin type; null: not sold on spot
  zones: string[]; // every zone a spot pool may be in, in catalog order
  groups: Array<{ k: number; r: number; c: number }>; // per base item type
}

/** Share of a pool's instances interrupted in a month, taken as the middle of the band. */
export const BAND_RATE: Record<InterruptionBand, number> = { '<5%': 0.025, '5-10%': 0.075, '10-15%': 0.125, '15-20%': 0.175, '>20%': 0.25 };

export const EXPECTED_COST_MODEL =
  'each spot instance costs (1 − f) × its spot price + f × its on-demand price, f the middle of its interruption band (<5%: 2.5 %, 5-10%: 7.5 %, … >20%: 25 %): the share of a month its capacity is assumed to run on on-demand replacements after interruptions';

export function spotSetup(base: Problem, catalog: Catalog, rule: SpotRule): SpotSetup {
  if (base.objective !== 'cost') throw new MlsError('MLS_ERR_USAGE', { spotWithCount: {} });
  if (!Number.isInteger(rule.survive) || rule.survive < 1) throw new MlsError('MLS_ERR_USAGE', { survive: { survive: rule.survive } });
  if (!(rule.maxShare >= 0 && rule.maxShare <= 1)) throw new MlsError('MLS_ERR_USAGE', { spotMaxShare: { maxShare: rule.maxShare } });
  const offers = base.bins.map((b): SpotOfferOf | null => {
    const s = catalog.instanceTypes[b.name]?.spot;
    const zones = s?.zones ?? catalog.spot?.zones ?? [];
    return s && zones.length > 0 ? { price: s.pricePerHour, band: s.interruption, zones: [...new Set(zones)] } : null;
  });
  if (offers.every((o) => !o)) {
    throw new MlsError('MLS_ERR_PACK_NO_SPOT_OFFER', { bins: base.bins.map((b) => b.name).join(', ') }, { details: { instanceTypes: base.bins.map((b) => b.name) } });
  }
  const zones = [...new Set(offers.flatMap((o) => o?.zones ?? []))];
  if (zones.length < rule.survive + 1) {
    throw new MlsError('MLS_ERR_PACK_SPOT_ZONES', { survive: rule.survive, survive2: rule.survive + 1, zonesCount: zones.length, zones: zones.join(', ') }, { details: { zones } });
  }
  const groups = base.items.map((it) => {
    const k = it.models.length;
    const r = it.demand / k;
    return { k, r, c: Math.max(r, rule.survive + 1) };
  });
  return { ...rule, base, offers, zones, groups };
}

/** Copies of item i that one instance of bin type t holds when it holds nothing else. */
export function copiesPerInstance(p: Problem, i: number, t: number): number {
  const it = p.items[i]!;
  const s = it.sizes[t];
  const b = p.bins[t]!;
  if (!s) return 0;
  const fit = (used: number[], cap: number[]) => Math.min(...cap.map((c, d) => ((used[d] ?? 0) > 0 ? Math.floor((c * (1 + EPS) + EPS) / used[d]!) : Infinity)));
  const perProc = fit(s.proc, b.procCap);
  const n = Math.min(perProc * b.procs, fit(s.inst, b.instCap), it.maxPerBin);
  return Number.isFinite(n) ? Math.max(0, n) : it.maxPerBin;
}
