// Concurrency levels for a sweep: an explicit list (--concurrency 1,2,4) or a range in the style of
// perf_analyzer's --concurrency-range START:END:STEP, where STEP is additive (2 or +2) or
// multiplicative (x2), so 1:256:x2 gives 1,2,4,...,256.
import { MlsError } from '../errors.js';

const MAX_CONCURRENCY = 10_000;

export function parseConcurrencyList(values: string[]): number[] {
  const out = values.map((v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || n < 1 || n > MAX_CONCURRENCY) {
      throw new MlsError('MLS_ERR_LOADTEST_BAD_CONCURRENCY', { notInteger: { v, max: MAX_CONCURRENCY } });
    }
    return n;
  });
  return normalize(out, '--concurrency');
}

export function parseConcurrencyRange(text: string): number[] {
  const m = /^\s*(\d+)\s*:\s*(\d+)\s*(?::\s*(x|\*|\+)?\s*(\d+(?:\.\d+)?))?\s*$/.exec(text);
  if (!m) throw new MlsError('MLS_ERR_LOADTEST_BAD_CONCURRENCY', { rangeSyntax: { text } });
  const start = Number(m[1]);
  const end = Number(m[2]);
  const multiply = m[3] === 'x' || m[3] === '*';
  const step = m[4] === undefined ? 1 : Number(m[4]);
  if (start < 1 || end < start || end > MAX_CONCURRENCY) {
    throw new MlsError('MLS_ERR_LOADTEST_BAD_CONCURRENCY', { rangeBounds: { text, max: MAX_CONCURRENCY } });
  }
  if (multiply ? step <= 1 : step < 1 || !Number.isInteger(step)) {
    throw new MlsError('MLS_ERR_LOADTEST_BAD_CONCURRENCY', { stepNeverReaches: { step: `${m[3] ?? ''}${m[4]}` } });
  }
  const out: number[] = [];
  for (let c = start; c <= end; c = multiply ? Math.max(c + 1, Math.round(c * step)) : c + step) out.push(c);
  return normalize(out, '--concurrency-range');
}

function normalize(levels: number[], flag: string): number[] {
  const uniq = [...new Set(levels)].sort((a, b) => a - b);
  if (uniq.length === 0) throw new MlsError('MLS_ERR_LOADTEST_BAD_CONCURRENCY', { empty: { flag } });
  return uniq;
}
