// A run where every request fails measures nothing: it stops at once and says why, with the
// statuses counted and one failing answer as the server gave it (the load generator keeps no bodies).
import { MlsError } from '../errors.js';
import type { LevelResult, LoadFailure, ModelRequest } from './types.js';

export function allFailed(level: LevelResult): boolean {
  return level.ok === 0 && (level.responses > 0 || level.timeouts > 0);
}

export async function describeFailure(targets: ModelRequest[], level: LevelResult, where: string): Promise<LoadFailure> {
  const sample = targets[0] ? await resend(targets[0]) : undefined;
  const counts = Object.entries(level.statuses).map(([status, n]) => `${n} × ${status}`);
  if (level.timeouts) counts.push(`${level.timeouts} timed out`);
  const answer = sample ? `; ${sample.model} answered ${sample.status}: ${sample.body}` : '';
  const args = { where, counts: counts.join(', '), answer };
  return {
    message: new MlsError('MLS_ERR_LOADTEST_ALL_ERRORS', args).message,
    args,
    statuses: level.statuses,
    timeouts: level.timeouts,
    ...(sample ? { sample } : {}),
  };
}

async function resend(r: ModelRequest): Promise<LoadFailure['sample']> {
  try {
    const res = await fetch(`${r.origin}${r.path}`, {
      method: r.method,
      headers: Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== 'content-length')),
      ...(r.method === 'POST' ? { body: r.body } : {}),
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.text()).replace(/\s+/g, ' ').trim().slice(0, 300);
    return { model: r.model, status: res.status, body };
  } catch {
    return undefined; // the statuses alone still say what happened
  }
}
