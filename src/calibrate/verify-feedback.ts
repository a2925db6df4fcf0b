// The pipeline loop's feedback: calibrate measures each model alone, verification measures the
// servers of the plan with their models side by side at their planned rates. A model that missed
// the SLO there gets less of its measured capacity counted (× DERATE per failed verification,
// kept in measured.calibration.derate), so its util rises and the next pack gives it more room.
// Nothing is measured here: the isolated capacity stays what it was.
import { MlsError } from '../errors.js';
import { readProfiles, writeProfiles, type ModelProfile } from '../formats/profiles.js';
import { readFile } from 'node:fs/promises';
import { calibratedUtil } from './profile-update.js';

export const DERATE = 0.8;

export interface FeedbackResult {
  profiles: string;
  derated: Array<{ name: string; derate: number; util: number }>;
}

export function derateProfile(p: ModelProfile, at: string): ModelProfile {
  const m = p.measured;
  const cal = m?.calibration;
  if (!m || m.basis !== 'calibrated' || !cal || !m.capacity || !m.rps || !m.family) {
    throw new MlsError('MLS_ERR_CALIBRATE_NOT_CALIBRATED', { name: p.name }, { details: { model: p.name } });
  }
  const derate = Math.round((typeof cal['derate'] === 'number' ? cal['derate'] : 1) * DERATE * 1e4) / 1e4;
  const res = p.resources[m.family]!;
  return {
    ...p,
    resources: { ...p.resources, [m.family]: { ...res, util: calibratedUtil(m.rps, m.capacity * derate) } },
    measured: { ...m, calibration: { ...cal, version: cal.version + 1, at, derate } },
  };
}

/** Derates the models named by a verify.json (`loadtest --verify`) that missed the SLO. */
export async function applyVerifyFeedback(profilesPath: string, verifyPath: string, out: string): Promise<FeedbackResult> {
  const doc = await readProfiles(profilesPath);
  let report: { kind?: string; models?: Array<{ model: string; meetsSlo: boolean }> };
  try {
    report = JSON.parse(await readFile(verifyPath, 'utf8')) as typeof report;
  } catch (e) {
    throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', { notVerifyReport: { verifyPath, reason: (e as Error).message } }, { details: { file: verifyPath } });
  }
  if (report.kind !== 'VerifyReport' || !Array.isArray(report.models)) {
    throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', { notVerifyReportKind: { verifyPath } }, { details: { file: verifyPath } });
  }
  const failed = new Set(report.models.filter((m) => !m.meetsSlo).map((m) => m.model));
  const at = new Date().toISOString();
  const derated: FeedbackResult['derated'] = [];
  const models = doc.models.map((p) => {
    if (!failed.has(p.name)) return p;
    const q = derateProfile(p, at);
    derated.push({ name: q.name, derate: q.measured!.calibration!['derate'] as number, util: q.resources[q.measured!.family!]!.util });
    return q;
  });
  await writeProfiles(out, { ...doc, models });
  return { profiles: out, derated };
}
