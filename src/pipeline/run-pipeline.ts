// Runs archive → trace → pack → deploy → loadtest from one mlserve.yaml, writing every file into
// one output folder, skipping unchanged steps, and stopping the servers it started.
import { mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import yaml from 'js-yaml';
import { MlsError, toMlsError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { parseDurationMs } from '../units.js';
import { loadPipelineConfig, envOverrides, type LoadedPipelineConfig, type ConfigOverrides } from '../config/load-pipeline-config.js';
import { STEPS, type StepName } from '../config/pipeline-schema.js';
import { planSteps, pipelinePaths, downInvocation, modelConfigPath, type PipelinePaths, type StepPlan } from './steps.js';
import { stepKey, cachedStep, recordStep, forgetStep } from './step-cache.js';
import { runCliStep } from './run-cli-step.js';
import { missingInputError } from './missing-input.js';
import { roundOf, runLoop, type LoopOutcome, type LoopRound } from './calibration-loop.js';

export type StepStatus = 'waiting' | 'running' | 'done' | 'skipped' | 'failed' | 'not-run';

export interface StepState {
  name: StepName | 'down';
  status: StepStatus;
  ms?: number;
  detail?: string;
  summary?: unknown;
  error?: { code: string; message: string };
}

export interface PipelineOptions {
  configPath: string;
  from?: StepName;
  to?: StepName;
  runtime?: 'local' | 'docker' | 'kubernetes';
  keep?: boolean;
  /** Re-run every step even when its inputs are unchanged. */
  force?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Rounds of calibrate → pack → deploy → verify at most (needs calibrate: and verify: in the config). */
  loop?: number;
}

export interface PipelineResult {
  ok: boolean;
  name: string;
  outDir: string;
  files: PipelinePaths;
  steps: StepState[];
  totalMs: number;
  /** --loop: each round's plan cost, verdict and worst verified latency, and why the loop stopped. */
  rounds?: LoopRound[];
  loopStop?: LoopOutcome['stopReason'];
  error?: ReturnType<MlsError['toJSON']>;
}

export type StepListener = (steps: readonly StepState[]) => void;

export async function runPipeline(opts: PipelineOptions, onChange: StepListener = () => {}): Promise<{ result: PipelineResult; error?: MlsError }> {
  const overrides: ConfigOverrides[] = envOverrides(opts.env ?? process.env);
  if (opts.runtime) overrides.push({ source: '--runtime', values: { 'deploy.runtime': opts.runtime } });
  const cfg = await loadPipelineConfig(opts.configPath, overrides);
  const paths = pipelinePaths(cfg.outDir);
  const fromIdx = STEPS.indexOf(opts.from ?? 'archive');
  const toIdx = STEPS.indexOf(opts.to ?? STEPS[STEPS.length - 1]!);
  if (fromIdx > toIdx) throw new MlsError('MLS_ERR_PIPELINE_BAD_RANGE', { from: String(opts.from), to: String(opts.to) });

  await mkdir(paths.state, { recursive: true });
  const withConfig = await writeModelConfigs(cfg, paths);
  const plans = planSteps(cfg, paths, (n) => withConfig.has(n));
  const states: StepState[] = plans.map((p) => {
    const i = STEPS.indexOf(p.name);
    return { name: p.name, status: i < fromIdx || i > toIdx ? 'not-run' : 'waiting' };
  });
  const emit = () => onChange(states.map((s) => ({ ...s })));
  emit();

  const started = Date.now();
  let error: MlsError | undefined;
  let deployed = false;
  let upstreamRan = false;
  for (const [i, plan] of plans.entries()) {
    const state = states[i]!;
    if (state.status === 'not-run') continue;
    const missing = plan.inputs.find((f) => !existsSync(f));
    if (missing) {
      state.status = 'failed';
      error = missingInputError(cfg, plan.name, missing);
      state.error = { code: error.code, message: error.message };
      emit();
      break;
    }
    state.status = 'running';
    emit();
    const t0 = Date.now();
    try {
      const outcome = await runStep(plan, paths, Boolean(opts.force) || upstreamRan);
      state.status = outcome.skipped ? 'skipped' : 'done';
      state.summary = outcome.summary;
      state.detail = describe(plan, outcome.summary);
      if (!outcome.skipped) upstreamRan = true;
      if (plan.name === 'deploy' && !cfg.config.deploy.dryRun) deployed = true;
    } catch (e) {
      error = toMlsError(e);
      state.status = 'failed';
      state.error = { code: error.code, message: error.message };
      await forgetStep(paths.state, plan.name);
    }
    state.ms = Date.now() - t0;
    emit();
    if (error) break;
  }

  let loop: LoopOutcome | undefined;
  const verifyState = states.find((s) => s.name === 'verify');
  const looping = (opts.loop ?? 1) > 1 && cfg.config.calibrate && verifyState && (verifyState.status === 'done' || error?.code === 'MLS_ERR_VERIFY_FAILED');
  if (looping) {
    try {
      loop = await runLoop({ cfg, paths, plans, states, emit, run: (p) => runStep(p, paths, true) }, opts.loop!, await roundOf(paths, 1));
      error = loop.error;
    } catch (e) {
      error = toMlsError(e);
    }
  }

  if (deployed && !opts.keep) {
    const down: StepState = { name: 'down', status: 'running' };
    states.push(down);
    emit();
    const t0 = Date.now();
    try {
      await runCliStep(downInvocation(cfg, paths).args);
      down.status = 'done';
    } catch (e) {
      down.status = 'failed';
      const err = toMlsError(e);
      down.error = { code: err.code, message: err.message };
      error ??= err;
    }
    down.ms = Date.now() - t0;
    emit();
  }

  const result: PipelineResult = {
    ok: !error,
    name: cfg.config.name,
    outDir: cfg.outDir,
    files: paths,
    steps: states,
    totalMs: Date.now() - started,
    ...(loop ? { rounds: loop.rounds, loopStop: loop.stopReason } : {}),
    ...(error ? { error: error.toJSON() } : {}),
  };
  await writeFileAtomic(`${paths.out}/pipeline-summary.json`, `${JSON.stringify(result, null, 2)}\n`);
  return error ? { result, error } : { result };
}

async function runStep(plan: StepPlan, paths: PipelinePaths, force: boolean): Promise<{ skipped: boolean; summary?: unknown }> {
  const key = await stepKey({ args: plan.invocations.map((i) => i.args), inputs: plan.inputs });
  if (plan.cacheable && !force) {
    const hit = await cachedStep(paths.state, plan.name, key);
    if (hit) return { skipped: true, summary: hit.summary };
  }
  const values: unknown[] = [];
  for (const inv of plan.invocations) values.push((await runCliStep(inv.args)).value);
  const summary = values.length === 1 ? values[0] : values;
  await recordStep(paths.state, plan.name, key, plan.outputs, summary);
  return { skipped: false, summary };
}

/** TorchServe's model-config.yaml for models whose batching or config the pipeline sets. */
async function writeModelConfigs(cfg: LoadedPipelineConfig, paths: PipelinePaths): Promise<Set<string>> {
  const names = new Set<string>();
  for (const m of cfg.models) {
    if (!m.entry.config && !m.entry.batching) continue;
    let doc: Record<string, unknown> = {};
    if (m.entry.config) {
      const file = resolve(cfg.dir, m.entry.config);
      if (!existsSync(file)) throw missingInputError(cfg, 'archive', file);
      doc = (yaml.load(await readFile(file, 'utf8')) as Record<string, unknown>) ?? {};
    }
    if (m.entry.batching) {
      doc.batchSize = m.entry.batching.batchSize;
      doc.maxBatchDelay = Math.round(parseDurationMs(m.entry.batching.maxBatchDelay));
    }
    const text = yaml.dump(doc);
    const target = modelConfigPath(paths, m.name);
    // Rewrite only when it changed, so the archive step's cache key stays stable.
    const old = existsSync(target) ? await readFile(target, 'utf8') : undefined;
    if (old !== text) await writeFileAtomic(target, text);
    names.add(m.name);
  }
  return names;
}

function describe(plan: StepPlan, summary: unknown): string {
  const s = summary as Record<string, unknown> | undefined;
  const labels = plan.invocations.map((i) => i.label).join(', ');
  if (!s || typeof s !== 'object') return labels;
  if (plan.name === 'pack') {
    const p = (s.plan ?? s) as { totals?: { instances?: number; costPerHour?: number }; solver?: { optimal?: boolean; gap?: number } };
    if (p.totals) {
      const proof = p.solver?.optimal ? 'optimal' : `gap ${((p.solver?.gap ?? 0) * 100).toFixed(1)}%`;
      return `${p.totals.instances} instance(s), $${p.totals.costPerHour}/h, ${proof}`;
    }
  }
  if (plan.name === 'trace' && Array.isArray(s.profiles)) return `${s.profiles.length} profile(s)`;
  return labels;
}
