// The five steps of the pipeline as mlserve invocations, with the files each reads and writes.
import { join } from 'node:path';
import type { LoadedPipelineConfig } from '../config/load-pipeline-config.js';
import type { StepName } from '../config/pipeline-schema.js';

export interface Invocation {
  label: string;
  args: string[];
}

export interface StepPlan {
  name: StepName;
  invocations: Invocation[];
  inputs: string[];
  outputs: string[];
  /** Steps that start or measure live servers always run; the others are skipped when unchanged. */
  cacheable: boolean;
}

export interface PipelinePaths {
  out: string;
  modelStore: string;
  modelConfigs: string;
  profiles: string;
  calibratedProfiles: string;
  plan: string;
  planSvg: string;
  deployDir: string;
  deployment: string;
  loadtestDir: string;
  report: string;
  verifyDir: string;
  verifyReport: string;
  state: string;
}

export function pipelinePaths(outDir: string): PipelinePaths {
  return {
    out: outDir,
    modelStore: join(outDir, 'model_store'),
    modelConfigs: join(outDir, 'model-config'),
    profiles: join(outDir, 'profiles.yaml'),
    calibratedProfiles: join(outDir, 'profiles-calibrated.yaml'),
    plan: join(outDir, 'plan.yaml'),
    planSvg: join(outDir, 'plan.svg'),
    deployDir: join(outDir, 'deploy'),
    deployment: join(outDir, 'deploy', 'deployment.yaml'),
    loadtestDir: join(outDir, 'loadtest'),
    report: join(outDir, 'loadtest', 'report.json'),
    verifyDir: join(outDir, 'verify'),
    verifyReport: join(outDir, 'verify', 'verify.json'),
    state: join(outDir, '.pipeline'),
  };
}

export function archivePath(p: PipelinePaths, model: string): string {
  return join(p.modelStore, `${model}.mar`);
}

export function modelConfigPath(p: PipelinePaths, model: string): string {
  return join(p.modelConfigs, `${model}.yaml`);
}

export function planSteps(cfg: LoadedPipelineConfig, p: PipelinePaths, hasModelConfig: (name: string) => boolean): StepPlan[] {
  const { config } = cfg;
  const archives = cfg.models.map((m) => archivePath(p, m.name));

  const archive: StepPlan = {
    name: 'archive',
    cacheable: true,
    inputs: cfg.models.flatMap((m) => [
      m.file,
      ...(m.entry.handler.endsWith('.js') ? [join(cfg.dir, m.entry.handler)] : []),
      ...m.entry.extraFiles.map((f) => join(cfg.dir, f)),
      ...(hasModelConfig(m.name) ? [modelConfigPath(p, m.name)] : []),
    ]),
    outputs: archives,
    invocations: cfg.models.map((m) => {
      const handler = m.entry.handler.endsWith('.js') ? join(cfg.dir, m.entry.handler) : m.entry.handler;
      const args = ['archive', '--model-name', m.name, '--version', m.entry.version, '--serialized-file', m.file, '--handler', handler, '--export-path', p.modelStore, '--force'];
      if (m.entry.extraFiles.length) args.push('--extra-files', m.entry.extraFiles.map((f) => join(cfg.dir, f)).join(','));
      if (hasModelConfig(m.name)) args.push('--config-file', modelConfigPath(p, m.name));
      return { label: m.name, args };
    }),
  };

  const traceArgs = ['trace', ...archives, '--processor', config.trace.processor, '--batch-size', String(config.trace.batchSize), '--rps', String(config.trace.rps), '--out', p.profiles];
  for (const s of config.trace.shapes) traceArgs.push('--shape', s);
  for (const m of cfg.models) if (m.entry.replicas > 1) traceArgs.push('--replicas', `${m.name}=${m.entry.replicas}`);
  const trace: StepPlan = { name: 'trace', cacheable: true, inputs: archives, outputs: [p.profiles], invocations: [{ label: `${archives.length} models`, args: traceArgs }] };

  const calibrate = calibrateStep(cfg, p);
  const packProfiles = calibrate ? p.calibratedProfiles : p.profiles;
  const packArgs = ['pack', '--profiles', packProfiles, '--max-mem', config.pack.maxMem, '--max-util', String(config.pack.maxUtil), '--objective', config.pack.objective, '--time-limit', config.pack.timeLimit, '--out', p.plan, '--svg', p.planSvg];
  if (config.pack.catalog) packArgs.push('--catalog', join(cfg.dir, config.pack.catalog));
  if (config.pack.instanceTypes?.length) packArgs.push('--instance-types', config.pack.instanceTypes.join(','));
  if (config.pack.spot) packArgs.push('--spot', '--survive', String(config.pack.spot.survive), '--spot-max-share', String(config.pack.spot.maxShare));
  const pack: StepPlan = {
    name: 'pack',
    cacheable: true,
    inputs: [packProfiles, ...(config.pack.catalog ? [join(cfg.dir, config.pack.catalog)] : [])],
    outputs: [p.plan, p.planSvg],
    invocations: [{ label: 'plan', args: packArgs }],
  };

  const deployArgs = ['deploy', '--plan', p.plan, '--runtime', config.deploy.runtime, '--out', p.deployDir, '--namespace', config.deploy.namespace];
  if (config.deploy.dryRun) deployArgs.push('--dry-run');
  if (config.deploy.allowCpuFallback) deployArgs.push('--allow-cpu-fallback');
  const deploy: StepPlan = { name: 'deploy', cacheable: false, inputs: [p.plan], outputs: [p.deployment], invocations: [{ label: config.deploy.runtime, args: deployArgs }] };

  const lt = config.loadtest;
  const ltArgs = ['loadtest', '--deployment', p.deployment, '--mode', lt.mode, '--concurrency', lt.concurrency.join(','), '--duration', lt.duration, '--warmup', lt.warmup, '--out', p.loadtestDir];
  if (lt.slo) ltArgs.push('--slo', lt.slo);
  if (lt.payloadDir) ltArgs.push('--payload-dir', join(cfg.dir, lt.payloadDir));
  const loadtest: StepPlan = {
    name: 'loadtest',
    cacheable: false,
    inputs: [p.deployment, ...(lt.payloadDir ? [join(cfg.dir, lt.payloadDir)] : [])],
    outputs: [p.report],
    invocations: [{ label: lt.mode, args: ltArgs }],
  };

  const verify = verifyStep(cfg, p);
  return [archive, trace, ...(calibrate ? [calibrate] : []), pack, deploy, loadtest, ...(verify ? [verify] : [])];
}

/** The optional calibrate step (when mlserve.yaml has `calibrate:`): traced profiles → calibrated ones. */
function calibrateStep(cfg: LoadedPipelineConfig, p: PipelinePaths): StepPlan | undefined {
  const c = cfg.config.calibrate;
  if (!c) return undefined;
  const args = ['calibrate', '--profiles', p.profiles, '--out', p.calibratedProfiles, '--slo', c.slo, '--batch-sizes', c.batchSizes.join(','), '--workers', c.workers.join(',')];
  args.push('--max-batch-delay', c.maxBatchDelay, '--duration', c.duration, '--warmup', c.warmup, '--processor', cfg.config.trace.processor);
  if (c.concurrency) args.push('--concurrency', c.concurrency.join(','));
  if (cfg.config.loadtest.payloadDir) args.push('--payload-dir', join(cfg.dir, cfg.config.loadtest.payloadDir));
  if (cfg.config.pack.catalog) args.push('--catalog', join(cfg.dir, cfg.config.pack.catalog));
  // Cacheable: measuring again gives a slightly different plan for no new information.
  return { name: 'calibrate', cacheable: true, inputs: [p.profiles], outputs: [p.calibratedProfiles], invocations: [{ label: c.slo, args }] };
}

/** The SLO verification is judged against: verify.slo, else calibrate.slo, else loadtest.slo. */
export function verifySlo(cfg: LoadedPipelineConfig): string | undefined {
  const { config } = cfg;
  return config.verify?.slo ?? config.calibrate?.slo ?? config.loadtest.slo;
}

/** The optional verify step (when mlserve.yaml has `verify:`): open-loop load at the plan's rates. */
function verifyStep(cfg: LoadedPipelineConfig, p: PipelinePaths): StepPlan | undefined {
  const v = cfg.config.verify;
  if (!v) return undefined;
  const args = ['loadtest', '--verify', p.plan, '--deployment', p.deployment, '--duration', v.duration, '--warmup', v.warmup, '--out', p.verifyDir];
  const slo = verifySlo(cfg);
  if (slo) args.push('--slo', slo);
  if (cfg.config.loadtest.payloadDir) args.push('--payload-dir', join(cfg.dir, cfg.config.loadtest.payloadDir));
  return { name: 'verify', cacheable: false, inputs: [p.plan, p.deployment], outputs: [p.verifyReport], invocations: [{ label: slo ?? 'no SLO', args }] };
}

/** Round 2+ of `pipeline --loop`: measure the servers that missed the SLO again, as deployed, and correct their models' util. */
export function recalibrateInvocation(cfg: LoadedPipelineConfig, p: PipelinePaths): Invocation {
  const { config } = cfg;
  const args = ['calibrate', '--profiles', p.calibratedProfiles, '--from-verify', p.verifyReport, '--plan', p.plan, '--deployment', p.deployment, '--out', p.calibratedProfiles];
  if (config.verify) args.push('--duration', config.verify.duration, '--warmup', config.verify.warmup);
  const slo = verifySlo(cfg);
  if (slo) args.push('--slo', slo);
  if (config.loadtest.payloadDir) args.push('--payload-dir', join(cfg.dir, config.loadtest.payloadDir));
  if (config.pack.catalog) args.push('--catalog', join(cfg.dir, config.pack.catalog));
  return { label: 'at the planned load', args };
}

/** The invocation that stops what deploy started. */
export function downInvocation(cfg: LoadedPipelineConfig, p: PipelinePaths): Invocation {
  return { label: 'down', args: ['deploy', '--down', '--plan', p.plan, '--runtime', cfg.config.deploy.runtime, '--out', p.deployDir, '--namespace', cfg.config.deploy.namespace] };
}
