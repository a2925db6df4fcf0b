// pack --spot from the on-demand problem to plan.yaml: the rule checked against the catalog,
// the spot search, the plan with markets, pools and the spot summary.
import type { Catalog } from '../../formats/catalog.js';
import type { Plan } from '../../formats/plan.js';
import type { Logger } from '../../log.js';
import { buildPlan, type PlanContext } from '../plan-build.js';
import type { Problem } from '../model/problem.js';
import { annotateSpotPlan } from './spot-plan.js';
import { spotSetup, type SpotRule } from './spot-setup.js';
import { solveSpot } from './spot-solve.js';

export async function packSpot(base: Problem, catalog: Catalog, rule: SpotRule, ctx: PlanContext, logger?: Logger): Promise<Plan> {
  const set = spotSetup(base, catalog, rule);
  logger?.info(`spot: survive ${rule.survive} pool interruption(s), spot share ≤ ${rule.maxShare}; zones ${set.zones.join(', ')}`);
  const s = await solveSpot(set, ctx.timeLimitMs, (m) => logger?.debug(m));
  return annotateSpotPlan(buildPlan(s.chosen.problem, s.result, ctx), set, s);
}
