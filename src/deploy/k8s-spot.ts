// Kubernetes scheduling for pack --spot plans. Each server runs where the plan put it: spot
// servers on spot nodes of their pool (instance type × zone), on-demand servers on on-demand
// nodes, whichever of the two labelings the cluster uses — Karpenter's karpenter.sh/capacity-type
// or EKS managed node groups' eks.amazonaws.com/capacityType (two node-selector terms, either may
// match). Spot servers tolerate the spot taints clusters commonly put on spot nodes.
//
// Disruption budgets: the eviction API refuses to evict a pod that more than one
// PodDisruptionBudget selects, and a server holds many models, so a budget per model would block
// every drain. Servers that share a model form a group (connected through shared models); one
// budget per group with maxUnavailable 1 lets a drain take one server of the group at a time, so
// a model with replicas on two or more servers always keeps one. Topology spread constraints per
// group restate the plan's zones (maxSkew: the plan's own imbalance), so they never contradict
// the pool pins.
import type { DeployServer } from './deploy-plan.js';

const ZONE = 'topology.kubernetes.io/zone';
const KARPENTER = 'karpenter.sh/capacity-type';
const EKS = 'eks.amazonaws.com/capacityType';
export const GROUP_LABEL = 'mlserve.dev/spread-group';
export const MARKET_LABEL = 'mlserve.dev/capacity-type';

export interface SpotScheduling {
  labels: Record<string, string>;
  affinity: Record<string, unknown>;
  tolerations: Array<Record<string, string>>;
  topologySpread?: Array<Record<string, unknown>>;
}

/** Whether the plan was made by pack --spot (its instances say how they are bought). */
export function isSpotPlan(servers: DeployServer[]): boolean {
  return servers.some((s) => s.market !== undefined);
}

/** Group of every server: servers connected through a model they both hold share one. */
export function spreadGroups(servers: DeployServer[]): Map<string, string> {
  const parent = new Map(servers.map((s) => [s.dnsName, s.dnsName]));
  const find = (x: string): string => {
    while (parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  const holder = new Map<string, string>();
  for (const s of servers) {
    for (const m of s.models) {
      const other = holder.get(m.name);
      if (other) parent.set(find(s.dnsName), find(other));
      else holder.set(m.name, s.dnsName);
    }
  }
  const names = new Map<string, string>();
  const out = new Map<string, string>();
  for (const s of servers) {
    const root = find(s.dnsName);
    if (!names.has(root)) names.set(root, `g${names.size}`);
    out.set(s.dnsName, names.get(root)!);
  }
  return out;
}

function nodeTerms(market: 'spot' | 'on-demand', zone: string | undefined): Array<Record<string, unknown>> {
  const zoneExpr = zone ? [{ key: ZONE, operator: 'In', values: [zone] }] : [];
  return [
    { matchExpressions: [{ key: KARPENTER, operator: 'In', values: [market] }, ...zoneExpr] },
    { matchExpressions: [{ key: EKS, operator: 'In', values: [market === 'spot' ? 'SPOT' : 'ON_DEMAND'] }, ...zoneExpr] },
  ];
}

export function spotScheduling(servers: DeployServer[]): Map<string, SpotScheduling> {
  const groups = spreadGroups(servers);
  // spot servers per group and zone: the plan's own spread
  const perZone = new Map<string, Map<string, number>>();
  for (const s of servers) {
    if (s.market !== 'spot' || !s.zone) continue;
    const g = groups.get(s.dnsName)!;
    const zones = perZone.get(g) ?? new Map<string, number>();
    zones.set(s.zone, (zones.get(s.zone) ?? 0) + 1);
    perZone.set(g, zones);
  }
  const out = new Map<string, SpotScheduling>();
  for (const s of servers) {
    const market = s.market ?? 'on-demand';
    const group = groups.get(s.dnsName)!;
    const counts = [...(perZone.get(group)?.values() ?? [])];
    const spot = market === 'spot';
    out.set(s.dnsName, {
      labels: { [GROUP_LABEL]: group, [MARKET_LABEL]: market },
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: nodeTerms(market, spot ? s.zone : undefined) } } },
      tolerations: spot
        ? [
            { key: KARPENTER, operator: 'Equal', value: 'spot', effect: 'NoSchedule' },
            { key: EKS, operator: 'Equal', value: 'SPOT', effect: 'NoSchedule' },
          ]
        : [],
      ...(spot && counts.length > 0
        ? {
            topologySpread: [
              {
                maxSkew: Math.max(1, Math.max(...counts) - Math.min(...counts)),
                topologyKey: ZONE,
                whenUnsatisfiable: 'DoNotSchedule',
                labelSelector: { matchLabels: { [GROUP_LABEL]: group, [MARKET_LABEL]: 'spot' } },
              },
            ],
          }
        : {}),
    });
  }
  return out;
}

/** One PodDisruptionBudget per group of two or more servers (see the comment at the top). */
export function disruptionBudgets(servers: DeployServer[]): Array<{ group: string; servers: string[] }> {
  const groups = spreadGroups(servers);
  const members = new Map<string, string[]>();
  for (const s of servers) members.set(groups.get(s.dnsName)!, [...(members.get(groups.get(s.dnsName)!) ?? []), s.dnsName]);
  return [...members].filter(([, list]) => list.length > 1).map(([group, list]) => ({ group, servers: list }));
}
