// plan.yaml for pack --spot: the plan plan-build.ts writes, with each instance's market, zone and
// pool (instance type × zone), spot instances named apart from on-demand ones, replicas numbered
// per model across the whole plan, and the spot summary (costs per market, share, expected cost).
import type { Plan } from '../../formats/plan.js';
import type { SpotSolve } from './spot-solve.js';
import { BAND_RATE, EXPECTED_COST_MODEL, type SpotSetup } from './spot-setup.js';

export function poolName(type: string, zone: string): string {
  return `${type}/${zone}`;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Adds the spot fields to a plan built from `s.chosen` (instances in solution order). */
export function annotateSpotPlan(plan: Plan, set: SpotSetup, s: SpotSolve): Plan {
  const sol = s.result.solution;
  let spot = 0;
  let onDemand = 0;
  let expected = 0;
  const replicas = new Map<string, number>();
  const instances = plan.instances.map((inst, n) => {
    const info = s.chosen.bins[sol.bins[n]!.type]!;
    const odPrice = set.base.bins[info.base]!.price;
    const numbered = inst.servers.map((sv) => ({
      ...sv,
      models: sv.models.map((m) => {
        const replica = replicas.get(m.name) ?? 0;
        replicas.set(m.name, replica + 1);
        return { ...m, replica };
      }),
    }));
    if (info.market === 'on-demand') {
      onDemand += inst.pricePerHour;
      expected += inst.pricePerHour;
      return { ...inst, market: 'on-demand' as const, servers: numbered };
    }
    const band = set.offers[info.base]!.band;
    const f = BAND_RATE[band];
    spot += inst.pricePerHour;
    expected += (1 - f) * inst.pricePerHour + f * odPrice;
    const id = `${inst.id}-spot`;
    const servers = numbered.map((sv) => ({ ...sv, name: sv.name.startsWith(inst.id) ? `${id}${sv.name.slice(inst.id.length)}` : sv.name }));
    return { ...inst, id, market: 'spot' as const, zone: info.zone!, pool: poolName(inst.type, info.zone!), interruption: band, servers };
  });
  const total = spot + onDemand;
  return {
    ...plan,
    instances,
    spot: {
      survive: set.survive,
      maxShare: set.maxShare,
      share: total > 0 ? round(spot / total, 6) : 0,
      onDemandCostPerHour: round(onDemand, 4),
      spotCostPerHour: round(spot, 4),
      expectedCostPerHour: round(expected, 4),
      expectedCostModel: EXPECTED_COST_MODEL,
      spotModels: s.chosen.spotModels,
      addedReplicas: s.chosen.addedReplicas,
      onDemandOnlyCostPerHour: round(s.onDemandOnly.objectiveValue, 4),
    },
  };
}
