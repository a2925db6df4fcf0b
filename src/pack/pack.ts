// `mlserve pack` as a service: read profiles and catalog, build the problem, solve it within the
// time limit, write plan.yaml (and the SVG) atomically. Every check runs before anything is written.
import { readProfiles } from '../formats/profiles.js';
import { writePlan, type Plan } from '../formats/plan.js';
import { writeFileAtomic } from '../fs/atomic.js';
import type { Logger } from '../log.js';
import { buildProblem } from './model/build-problem.js';
import { loadCatalog } from './model/catalog-load.js';
import { buildPlan, type PlanContext } from './plan-build.js';
import type { Problem } from './model/problem.js';
import { planSvg } from './render.js';
import { solvePacking } from './solve/solver.js';
import { cheapestEqualCount } from './heuristics/count-tie-break.js';

export interface PackOptions {
  profiles: string;
  catalog?: string;
  catalogMode?: 'extend' | 'replace';
  instanceTypes?: string[];
  maxMemory?: number;
  maxUtil: number;
  objective: 'cost' | 'count';
  timeLimitMs: number;
  out?: string;
  svg?: string;
  logger?: Logger;
  /** pack --spot: buy spot capacity where the survivability rule and the share cap allow it. */
  spot?: { survive: number; maxShare: number };
}

export interface PackResult {
  plan: Plan;
  out?: string;
  svg?: string;
}

export async function runPack(o: PackOptions): Promise<PackResult> {
  const [profiles, catalog] = await Promise.all([readProfiles(o.profiles), loadCatalog(o.catalog, o.catalogMode)]);
  const problem = buildProblem({ profiles, catalog, instanceTypes: o.instanceTypes, maxMemory: o.maxMemory, maxUtil: o.maxUtil, objective: o.objective });
  o.logger?.info(`packing ${profiles.models.length} models (${problem.items.length} types) on ${problem.bins.map((b) => b.name).join(', ')}`);
  const ctx = { profilesPath: o.profiles, maxMemory: o.maxMemory, maxUtil: o.maxUtil, timeLimitMs: o.timeLimitMs };
  const plan = o.spot ? await (await import('./spot/spot-pack.js')).packSpot(problem, catalog, o.spot, ctx, o.logger) : await packOnDemand(problem, ctx, o.logger);
  if (o.out) await writePlan(o.out, plan);
  if (o.svg) await writeFileAtomic(o.svg, planSvg(plan));
  return { plan, ...(o.out ? { out: o.out } : {}), ...(o.svg ? { svg: o.svg } : {}) };
}

async function packOnDemand(problem: Problem, ctx: PlanContext, logger?: Logger): Promise<Plan> {
  const result = await solvePacking(problem, {
    timeLimitMs: ctx.timeLimitMs,
    onProgress: (e) => logger?.debug(`${e.kind} ${e.value} (${e.method})`),
  });
  // Count ties broken by price (the solver's objective gives every instance the same cost).
  const solution = cheapestEqualCount(problem, result.solution);
  return buildPlan(problem, { ...result, solution }, ctx);
}
