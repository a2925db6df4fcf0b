// An independent feasibility checker for plan.yaml: recomputes every sum from the profiles and
// the catalog (not from the solver's data structures) and returns the violations it finds.
import type { Catalog } from '../../src/formats/catalog.js';
import type { Plan } from '../../src/formats/plan.js';
import type { ModelProfiles } from '../../src/formats/profiles.js';

export interface Caps {
  memory?: number;
  util: number;
}

export function checkPlan(plan: Plan, profiles: ModelProfiles, catalog: Catalog, caps: Caps): string[] {
  const errs: string[] = [];
  const tol = (x: number) => x * (1 + 1e-9) + 1e-9;
  const byName = new Map(profiles.models.map((m) => [m.name, m]));
  const where = new Map<string, string[]>();
  let cost = 0;
  const serverNames = new Set<string>();
  for (const inst of plan.instances) {
    const t = catalog.instanceTypes[inst.type];
    if (!t) {
      errs.push(`${inst.id}: unknown type ${inst.type}`);
      continue;
    }
    cost += t.pricePerHour;
    if (inst.servers.length > t.processors) errs.push(`${inst.id}: ${inst.servers.length} servers on ${t.processors} processors`);
    const procs = new Set(inst.servers.map((s) => s.processor));
    if (procs.size !== inst.servers.length || [...procs].some((k) => k < 0 || k >= t.processors)) errs.push(`${inst.id}: bad processor indices`);
    let host = 0;
    let vcpus = 0;
    for (const s of inst.servers) {
      if (serverNames.has(s.name)) errs.push(`server name ${s.name} repeated`);
      serverNames.add(s.name);
      let mem = 0;
      let util = 0;
      for (const pm of s.models) {
        const m = byName.get(pm.name);
        const r = m?.resources[t.family];
        if (!m || !r) {
          errs.push(`${s.name}: ${pm.name} has no ${t.family} profile`);
          continue;
        }
        if (pm.archive !== m.archive) errs.push(`${s.name}: ${pm.name} archive ${pm.archive} ≠ ${m.archive}`);
        mem += r.memory;
        util += r.util;
        host += r.hostMemory ?? 0;
        vcpus += typeof r['vcpus'] === 'number' ? r['vcpus'] : 0;
        where.set(pm.name, [...(where.get(pm.name) ?? []), inst.id]);
      }
      // CPU families (utilPer: vcpu): util is % of one core, the instance has vcpus of them,
      // and the accelerator-memory cap does not apply
      const cpu = catalog.families[t.family]?.utilPer === 'vcpu';
      const memCap = cpu ? t.processorMemory : Math.min(caps.memory ?? t.processorMemory, t.processorMemory);
      const utilCap = cpu ? caps.util * t.vcpus : caps.util;
      if (mem > tol(memCap)) errs.push(`${s.name}: memory ${mem} > ${memCap}`);
      if (util > tol(utilCap)) errs.push(`${s.name}: util ${util} > ${utilCap}`);
    }
    if (host > tol(t.hostMemory - (t.reservedHostMemory ?? 0))) errs.push(`${inst.id}: host memory ${host} over capacity`);
    if (vcpus > tol(t.vcpus)) errs.push(`${inst.id}: vcpus ${vcpus} > ${t.vcpus}`);
  }
  for (const m of profiles.models) {
    const at = where.get(m.name) ?? [];
    if (at.length !== m.replicas) errs.push(`${m.name}: placed ${at.length} times, wants ${m.replicas}`);
    if (new Set(at).size !== at.length) errs.push(`${m.name}: two replicas on one instance`);
  }
  for (const name of where.keys()) if (!byName.has(name)) errs.push(`${name}: not in the profiles`);
  if (Math.abs(cost - plan.totals.costPerHour) > 1e-6) errs.push(`totals.costPerHour ${plan.totals.costPerHour} ≠ ${cost}`);
  if (plan.totals.instances !== plan.instances.length) errs.push('totals.instances wrong');
  return errs;
}
