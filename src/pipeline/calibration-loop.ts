// `mlserve pipeline --loop N`: after the first calibrate → pack → deploy → verify, while the
// verification fails and rounds are left: re-calibrate what failed (`calibrate --from-verify`: the
// servers that missed the SLO are measured again as deployed, at a share of the load the plan gives
// them, and their models' util is corrected with what was measured), pack again, and when the plan
// changed, deploy it and verify it. Stops when a round verifies, when the plan stops changing (the
// same servers would fail the same way), or after N rounds; reports each round's plan cost and the
// latency its verification measured.
import { existsSync, readFileSync } from 'node:fs';
import { MlsError, toMlsError } from '../errors.js';
import { readPlan, type Plan } from '../formats/plan.js';
import type { LoadedPipelineConfig } from '../config/load-pipeline-config.js';
import { parseSlo, sloLatency } from '../loadtest/slo.js';
import type { LatencySummary } from '../loadtest/types.js';
import { runCliStep } from './run-cli-step.js';
import { downInvocation, recalibrateInvocation, type PipelinePaths, type StepPlan } from './steps.js';
import type { StepState } from './run-pipeline.js';

export interface LoopRound {
  round: number;
  costPerHour: number;
  instances: number;
  verified: boolean;
  /** server/model that missed the SLO in this round's verification. */
  failed: string[];
  /** The SLO verified against, and the worst latency at its percentile among the plan's model copies (ms). */
  slo?: string;
  latencyMs?: number;
}

export interface LoopOutcome {
  rounds: LoopRound[];
  stopReason: 'verified' | 'plan-unchanged' | 'rounds-exhausted';
  /** The last round's verification failure, if it failed. */
  error?: MlsError;
}

export interface LoopContext {
  cfg: LoadedPipelineConfig;
  paths: PipelinePaths;
  plans: StepPlan[];
  states: StepState[];
  emit: () => void;
  run: (plan: StepPlan) => Promise<unknown>;
}

/** Which models each server holds: two plans with the same assignment deploy the same servers. */
export function assignment(plan: Plan): string {
  return JSON.stringify(plan.instances.map((i) => [i.type, i.servers.map((s) => s.models.map((m) => `${m.name}#${m.replica}`).sort())]).sort());
}

export async function roundOf(paths: PipelinePaths, round: number): Promise<LoopRound> {
  const plan = await readPlan(paths.plan);
  const r: LoopRound = { round, costPerHour: plan.totals.costPerHour, instances: plan.totals.instances, verified: false, failed: [] };
  if (existsSync(paths.verifyReport)) {
    const report = JSON.parse(readFileSync(paths.verifyReport, 'utf8')) as { ok?: boolean; failed?: string[]; slo?: string; models?: Array<{ latencyMs: LatencySummary }> };
    r.verified = report.ok === true;
    r.failed = report.failed ?? [];
    if (report.slo && report.models?.length) {
      const p = parseSlo(report.slo).percentile;
      r.slo = report.slo;
      r.latencyMs = Math.round(Math.max(...report.models.map((m) => sloLatency(m.latencyMs, p))) * 100) / 100;
    }
  }
  return r;
}

export async function runLoop(ctx: LoopContext, maxRounds: number, first: LoopRound): Promise<LoopOutcome> {
  const rounds = [first];
  const step = (name: StepState['name'], round: number, fn: () => Promise<unknown>) => runState(ctx, name, `round ${round}`, fn);
  const plan = (name: StepPlan['name']) => ctx.plans.find((p) => p.name === name)!;
  let error: MlsError | undefined;
  for (let round = 2; round <= maxRounds; round++) {
    if (rounds.at(-1)!.verified) return { rounds, stopReason: 'verified' };
    const before = assignment(await readPlan(ctx.paths.plan));
    // Measured while the failed plan is still up: that is the load and the company it failed in.
    await step('calibrate', round, () => runCliStep(recalibrateInvocation(ctx.cfg, ctx.paths).args));
    await step('pack', round, () => ctx.run(plan('pack')));
    if (assignment(await readPlan(ctx.paths.plan)) === before) {
      return { rounds, stopReason: 'plan-unchanged', error: verifyFailed(rounds.at(-1)!) };
    }
    await step('down', round, () => runCliStep(downInvocation(ctx.cfg, ctx.paths).args));
    await step('deploy', round, () => ctx.run(plan('deploy')));
    error = undefined;
    try {
      await step('verify', round, () => ctx.run(plan('verify')));
    } catch (e) {
      error = toMlsError(e);
      if (error.code !== 'MLS_ERR_VERIFY_FAILED') throw error;
    }
    rounds.push(await roundOf(ctx.paths, round));
  }
  const final = rounds.at(-1)!;
  return final.verified ? { rounds, stopReason: 'verified' } : { rounds, stopReason: 'rounds-exhausted', error: error ?? verifyFailed(final) };
}

function verifyFailed(r: LoopRound): MlsError | undefined {
  if (r.verified) return undefined;
  return new MlsError('MLS_ERR_VERIFY_FAILED', { roundMissed: { round: r.round, failedCount: r.failed.length, failed: r.failed.join(', ') } }, { details: { failed: r.failed } });
}

/** Runs one step of a round as its own row of the steps table. */
async function runState(ctx: LoopContext, name: StepState['name'], detail: string, fn: () => Promise<unknown>): Promise<void> {
  const state: StepState = { name, status: 'running', detail };
  ctx.states.push(state);
  ctx.emit();
  const t0 = Date.now();
  try {
    await fn();
    state.status = 'done';
  } catch (e) {
    const err = toMlsError(e);
    state.status = 'failed';
    state.error = { code: err.code, message: err.message };
    throw err;
  } finally {
    state.ms = Date.now() - t0;
    ctx.emit();
  }
}
