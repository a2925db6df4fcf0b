// An independent checker of pack --spot plans, from plan.yaml, the profiles and the catalog only:
// capacities (through checker.ts, with the replicas the plan placed), prices per market, pools,
// the spot share, and survival: every set of `survive` spot pools is removed in turn and every
// model must still have a replica left.
import type { Catalog } from '../../src/formats/catalog.js';
import type { Plan } from '../../src/formats/plan.js';
import type { ModelProfiles } from '../../src/formats/profiles.js';
import { checkPlan, type Caps } from './checker.js';

function combinations<T>(xs: T[], k: number): T[][] {
  if (k === 0) return [[]];
  return xs.flatMap((x, i) => combinations(xs.slice(i + 1), k - 1).map((rest) => [x, ...rest]));
}

export function checkSpotPlan(plan: Plan, profiles: ModelProfiles, catalog: Catalog, caps: Caps, rule: { survive: number; maxShare: number }): string[] {
  const errs: string[] = [];
  const placed = new Map<string, number>();
  for (const i of plan.instances) for (const s of i.servers) for (const m of s.models) placed.set(m.name, (placed.get(m.name) ?? 0) + 1);
  // capacities and placement with the replicas as placed (spot may add some); cost checked below
  const asPlaced = { ...profiles, models: profiles.models.map((m) => ({ ...m, replicas: placed.get(m.name) ?? 0 })) };
  errs.push(...checkPlan(plan, asPlaced, catalog, caps).filter((e) => !e.startsWith('totals.costPerHour')));
  let spot = 0;
  let total = 0;
  const pools = new Set<string>();
  for (const i of plan.instances) {
    const t = catalog.instanceTypes[i.type];
    if (!t) continue;
    if (i.market === 'spot') {
      const zones = t.spot?.zones ?? catalog.spot?.zones ?? [];
      if (!t.spot) errs.push(`${i.id}: ${i.type} has no spot offer`);
      else if (Math.abs(i.pricePerHour - t.spot.pricePerHour) > 1e-9) errs.push(`${i.id}: spot price ${i.pricePerHour} ≠ ${t.spot.pricePerHour}`);
      if (!i.zone || !zones.includes(i.zone)) errs.push(`${i.id}: zone ${i.zone} not among ${zones.join(',')}`);
      if (i.pool !== `${i.type}/${i.zone}`) errs.push(`${i.id}: pool ${i.pool}`);
      pools.add(`${i.type}/${i.zone}`);
      spot += i.pricePerHour;
    } else if (Math.abs(i.pricePerHour - t.pricePerHour) > 1e-9) errs.push(`${i.id}: on-demand price ${i.pricePerHour} ≠ ${t.pricePerHour}`);
    total += i.pricePerHour;
  }
  if (Math.abs(total - plan.totals.costPerHour) > 1e-6) errs.push(`totals.costPerHour ${plan.totals.costPerHour} ≠ ${total}`);
  if (spot > rule.maxShare * total + 1e-9) errs.push(`spot share ${spot / total} > ${rule.maxShare}`);
  for (const m of profiles.models) if ((placed.get(m.name) ?? 0) < m.replicas) errs.push(`${m.name}: ${placed.get(m.name) ?? 0} replicas < ${m.replicas}`);
  // survival: lose any `survive` pools at once (all of them when there are fewer)
  const lost = combinations([...pools].sort(), Math.min(rule.survive, pools.size));
  for (const gone of lost) {
    const left = new Set<string>();
    for (const i of plan.instances) {
      if (i.market === 'spot' && gone.includes(`${i.type}/${i.zone}`)) continue;
      for (const s of i.servers) for (const m of s.models) left.add(m.name);
    }
    for (const m of profiles.models) if (!left.has(m.name)) errs.push(`${m.name}: no replica left when ${gone.join(' + ')} are interrupted`);
  }
  return errs;
}
