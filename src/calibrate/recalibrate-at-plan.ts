// `mlserve calibrate --from-verify verify.json --plan plan.yaml --deployment deployment.yaml`: the
// pipeline loop's re-calibration. calibrate measures each model alone; verification runs the plan's
// servers with their models side by side at their planned rates. A server that missed the SLO there
// is measured again, as deployed and under the load the plan gives it: every model copy on it gets
// an open-loop stream at LOAD_STEP^k × its planned rate (k = 1, 2, …) until all of them meet the
// SLO, at load factor f. Pack's additive model is then corrected with that measurement: the mix
// fills the server's util cap (caps.util, × vcpus for a per-vCPU family) at f, so its models' util
// for the server's family is scaled by cap ÷ (f × the server's planned util) — the same mix at the
// full rate now needs cap ÷ f > cap and no longer fits that server, each model keeps its share.
// Models on servers that met the SLO are left as they were. Never prints.
import { readFile } from 'node:fs/promises';
import { MlsError } from '../errors.js';
import { readPlan, type Plan, type PlannedServer } from '../formats/plan.js';
import { readProfiles, writeProfiles, type ModelProfile } from '../formats/profiles.js';
import { perVcpu } from '../pack/model/build-problem.js';
import { loadCatalog } from '../trace/estimate.js';
import { runOpenLoop } from '../loadtest/open-loop.js';
import { formatSlo } from '../loadtest/slo.js';
import { judge, verifyTargets, type VerifyOptions } from '../loadtest/verify.js';
import type { Catalog } from '../formats/catalog.js';

/** Each try lowers the load to this share of the previous one (15% steps: the scale is at most that conservative). */
export const LOAD_STEP = 0.85;
/** Below this share of the planned load the server is hopeless at its SLO: said, not guessed. */
export const MIN_LOAD_FACTOR = 0.1;

/** What verification measured the deployed plan with, and where the corrected profiles go. */
export interface RecalibrateOptions extends Pick<VerifyOptions, 'plan' | 'deployment' | 'slo' | 'durationMs' | 'warmupMs' | 'timeoutMs' | 'requests'> {
  profiles: string;
  out: string;
  verify: string;
  catalog?: string;
}

export interface RecalibratedServer {
  server: string;
  instanceType: string;
  models: string[];
  /** Share of the planned load at which every model of the server met the SLO. */
  loadFactor: number;
  /** What the util of its models was multiplied by. */
  scale: number;
  tries: number;
}

export interface RecalibrateResult {
  profiles: string;
  slo: string;
  servers: RecalibratedServer[];
}

export type RecalibrateEvent = { type: 'try'; server: string; loadFactor: number; meetsSlo: boolean };

/** The util cap of one server of the instance type, in the unit its family counts util in. */
export function serverCap(plan: Plan, catalog: Catalog, instanceType: string, family: string): number {
  const t = catalog.instanceTypes[instanceType];
  if (!t) throw new MlsError('MLS_ERR_PACK_UNKNOWN_INSTANCE_TYPE', { name: instanceType, known: Object.keys(catalog.instanceTypes).join(', ') }, { details: { instanceType } });
  return perVcpu(catalog, family) ? plan.caps.util * t.vcpus : plan.caps.util;
}

/** The correction: the server's planned util at load factor f fills its cap. */
export function colocationScale(cap: number, serverUtil: number, loadFactor: number): number {
  return Math.max(1 / loadFactor, cap / (loadFactor * serverUtil));
}

export async function recalibrateAtPlan(o: RecalibrateOptions, onEvent: (e: RecalibrateEvent) => void = () => {}, signal?: AbortSignal): Promise<RecalibrateResult> {
  const [doc, plan, catalog, failedKeys] = await Promise.all([readProfiles(o.profiles), readPlan(o.plan), loadCatalog(o.catalog), failedOf(o.verify)]);
  const failedServers = new Set(failedKeys.map((k) => k.slice(0, k.lastIndexOf('/'))));
  const targets = await verifyTargets(o);
  const servers: RecalibratedServer[] = [];
  const scales = new Map<string, { family: string; scale: number; server: string }>();
  for (const inst of plan.instances) {
    for (const s of inst.servers) {
      if (!failedServers.has(s.name)) continue;
      const mine = targets.filter((t) => t.server === s.name);
      const { loadFactor, tries } = await loadFactorOf(s, mine, o, { onEvent, signal });
      const scale = colocationScale(serverCap(plan, catalog, inst.type, inst.family), s.util, loadFactor);
      servers.push({ server: s.name, instanceType: inst.type, models: s.models.map((m) => m.name), loadFactor, scale: round(scale, 4), tries });
      for (const m of s.models) {
        const old = scales.get(m.name);
        if (!old || old.scale < scale) scales.set(m.name, { family: inst.family, scale, server: s.name });
      }
    }
  }
  const at = new Date().toISOString();
  const models = doc.models.map((p) => {
    const c = scales.get(p.name);
    return c ? scaled(p, c, at, servers.find((x) => x.server === c.server)!) : p;
  });
  await writeProfiles(o.out, { ...doc, createdAt: at, models });
  return { profiles: o.out, slo: formatSlo(o.slo), servers };
}

async function failedOf(verify: string): Promise<string[]> {
  let report: { kind?: string; failed?: unknown };
  try {
    report = JSON.parse(await readFile(verify, 'utf8')) as typeof report;
  } catch (e) {
    throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', { notVerifyReport: { verifyPath: verify, reason: (e as Error).message } }, { details: { file: verify } });
  }
  if (report.kind !== 'VerifyReport' || !Array.isArray(report.failed)) {
    throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', { notVerifyReportKind: { verifyPath: verify } }, { details: { file: verify } });
  }
  return report.failed.filter((k): k is string => typeof k === 'string');
}

/** The highest LOAD_STEP^k share of the planned load at which every model of the server meets the SLO. */
async function loadFactorOf(
  s: PlannedServer,
  targets: Awaited<ReturnType<typeof verifyTargets>>,
  o: RecalibrateOptions,
  run: { onEvent: (e: RecalibrateEvent) => void; signal?: AbortSignal },
): Promise<{ loadFactor: number; tries: number }> {
  const { onEvent, signal } = run;
  let tries = 0;
  for (let f = LOAD_STEP; f >= MIN_LOAD_FACTOR; f *= LOAD_STEP) {
    const loadFactor = round(f, 4);
    tries++;
    const stats = await runOpenLoop(
      { targets: targets.map((t) => ({ ...t, rate: t.rate * loadFactor })), durationMs: o.durationMs, warmupMs: o.warmupMs, timeoutMs: o.timeoutMs, percentiles: [o.slo.percentile] },
      signal,
    );
    if (signal?.aborted) throw new MlsError('MLS_ERR_INTERRUPTED', { recalibrate: {} });
    const meetsSlo = stats.every((x) => judge(x, o.slo).meetsSlo);
    onEvent({ type: 'try', server: s.name, loadFactor, meetsSlo });
    if (meetsSlo) return { loadFactor, tries };
  }
  throw new MlsError('MLS_ERR_CALIBRATE_SLO_UNREACHABLE', { server: { server: s.name, models: s.models.map((m) => m.name).join(', '), slo: formatSlo(o.slo), minPercent: Math.round(MIN_LOAD_FACTOR * 100) } }, {
    details: { server: s.name, models: s.models.map((m) => m.name), tries },
  });
}

/** The profile with its calibrated util scaled by the server's correction (a new calibration version). */
export function scaled(p: ModelProfile, c: { family: string; scale: number }, at: string, server: RecalibratedServer): ModelProfile {
  const res = p.resources[c.family];
  const cal = p.measured?.calibration;
  if (!res || p.measured?.basis !== 'calibrated' || !cal) {
    throw new MlsError('MLS_ERR_CALIBRATE_NOT_CALIBRATED', { name: p.name }, { details: { model: p.name } });
  }
  const util = round(res.util * c.scale, 3);
  const host: Record<string, number> = typeof res['vcpus'] === 'number' ? { vcpus: round(util / 100, 4) } : {};
  const colocation = { server: server.server, instanceType: server.instanceType, with: server.models.filter((m) => m !== p.name), loadFactor: server.loadFactor, scale: server.scale };
  return {
    ...p,
    resources: { ...p.resources, [c.family]: { ...res, util, ...host } },
    measured: { ...p.measured, calibration: { ...cal, version: cal.version + 1, at, colocation } },
  };
}

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;
