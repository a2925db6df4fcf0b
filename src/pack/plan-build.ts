// From the solver's solution (item types per processor) to plan.yaml: real model names and
// replicas on each server (one server per processor), usage per server and instance, totals.
import type { Plan, PlannedInstance, PlannedModel } from '../formats/plan.js';
import type { SolveResult } from './solve/solver.js';
import type { Problem } from './model/problem.js';

export interface PlanContext {
  profilesPath?: string;
  maxMemory?: number;
  maxUtil: number;
  timeLimitMs: number;
}

function dnsLabel(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

export function buildPlan(p: Problem, r: SolveResult, ctx: PlanContext): Plan {
  // the copies of each item type, handed out in order: grouped models once each, replicas 0..k-1
  const queues = p.items.map((it) =>
    it.maxPerBin === 1 && it.models.length === 1
      ? Array.from({ length: it.demand }, (_, replica) => ({ ...it.models[0]!, replica }))
      : it.models.map((m) => ({ ...m, replica: 0 })),
  );
  const width = String(r.solution.bins.length).length;
  const instances: PlannedInstance[] = r.solution.bins.map((b, bi) => {
    const bt = p.bins[b.type]!;
    const id = `${dnsLabel(bt.name)}-${String(bi).padStart(width, '0')}`;
    let host = 0;
    const servers = b.procs.map((proc, k) => {
      const models: PlannedModel[] = proc.map((i) => {
        const copy = queues[i]!.shift()!;
        const s = p.items[i]!.sizes[b.type]!;
        host += s.inst[0] ?? 0;
        return {
          name: copy.name,
          ...(copy.archive ? { archive: copy.archive } : {}),
          replica: copy.replica,
          memory: s.proc[0] ?? 0,
          util: round(s.proc[1] ?? 0),
          ...(s.inst[0] ? { hostMemory: s.inst[0] } : {}),
          ...(copy.basis ? { basis: copy.basis } : {}),
          ...(copy.rps !== undefined ? { rps: copy.rps } : {}),
        };
      });
      return {
        name: `${id}-p${k}`,
        processor: k,
        memory: models.reduce((a, m) => a + m.memory, 0),
        util: round(models.reduce((a, m) => a + m.util, 0)),
        models,
      };
    });
    return { id, type: bt.name, family: bt.family, pricePerHour: bt.price, processors: bt.procs, ...(host ? { hostMemory: host } : {}), servers };
  });
  const models = instances.reduce((a, i) => a + i.servers.reduce((b, s) => b + s.models.length, 0), 0);
  const costPerHour = round(instances.reduce((a, i) => a + i.pricePerHour, 0), 4);
  return {
    apiVersion: 'mlserve/v1',
    kind: 'PackingPlan',
    createdAt: new Date().toISOString(),
    ...(ctx.profilesPath ? { profiles: ctx.profilesPath } : {}),
    objective: p.objective,
    caps: { ...(ctx.maxMemory !== undefined ? { memory: ctx.maxMemory } : {}), util: ctx.maxUtil },
    solver: {
      status: r.optimal ? 'optimal' : r.timedOut ? 'time-limit' : 'feasible',
      optimal: r.optimal,
      objectiveValue: round(r.objectiveValue, 4),
      lowerBound: round(r.lowerBound, 4),
      gap: round(r.gap, 6),
      solveSeconds: round(r.seconds, 3),
      method: r.method,
      timeLimitSeconds: ctx.timeLimitMs / 1000,
    },
    totals: {
      instances: instances.length,
      processors: instances.reduce((a, i) => a + i.servers.length, 0),
      models,
      costPerHour,
      costPerModelHour: models ? round(costPerHour / models, 5) : 0,
    },
    instances,
  };
}

function round(v: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
