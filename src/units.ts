// Strict parsing and printing of sizes and durations. `7.4GB` is decimal (7.4e9 bytes), `7.4GiB`
// binary; a bare number is refused for sizes so that nobody packs 7.4 bytes by accident.
import { MlsError } from './errors.js';

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

// Case-exact: `7.4gb` or `7.4Mb` (megabits?) is refused rather than guessed.
const SIZE_RE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([KMGT]i?B|B)\s*$/;

/** Parses `512MiB`, `7.4GB`, `7.4GiB`, `100B` to bytes. Throws MLS_ERR_INVALID_UNIT. */
export function parseBytes(text: string | number, what = 'size'): number {
  if (typeof text === 'number') {
    if (Number.isFinite(text) && text >= 0) return text;
    throw new MlsError('MLS_ERR_INVALID_UNIT', { notSize: { what, text } });
  }
  const m = SIZE_RE.exec(text);
  if (!m) {
    throw new MlsError('MLS_ERR_INVALID_UNIT', { notSizeWithUnit: { what, text } });
  }
  const unit = SIZE_UNITS[m[2]!];
  if (unit === undefined) throw new MlsError('MLS_ERR_INVALID_UNIT', { unknownUnit: { what, text } });
  return Number(m[1]) * unit;
}

/** Prints bytes with a decimal unit and up to 4 significant digits: 312.5MB, 7.4GB. */
export function formatBytes(bytes: number): string {
  const units: Array<[string, number]> = [
    ['TB', 1e12],
    ['GB', 1e9],
    ['MB', 1e6],
    ['KB', 1e3],
  ];
  for (const [u, f] of units) {
    if (Math.abs(bytes) >= f) return `${trim(bytes / f)}${u}`;
  }
  return `${Math.round(bytes)}B`;
}

const DURATION_UNITS: Record<string, number> = { us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_RE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(us|ms|s|m|h)\s*$/;

/** Parses `250ms`, `30s`, `2m`, `1.5h`, `100us` to milliseconds. */
export function parseDurationMs(text: string | number, what = 'duration'): number {
  if (typeof text === 'number') {
    if (Number.isFinite(text) && text >= 0) return text;
    throw new MlsError('MLS_ERR_INVALID_UNIT', { notDuration: { what, text } });
  }
  const m = DURATION_RE.exec(text);
  if (!m) throw new MlsError('MLS_ERR_INVALID_UNIT', { notDurationWithUnit: { what, text } });
  return Number(m[1]) * DURATION_UNITS[m[2]!]!;
}

/** Parses a percentage `83`, `83%` or `0.83` is refused (ambiguous). Range 0..100. */
export function parsePercent(text: string | number, what = 'percentage'): number {
  const s = String(text).trim().replace(/%$/, '');
  const v = Number(s);
  if (s === '' || !Number.isFinite(v) || v < 0 || v > 100) {
    throw new MlsError('MLS_ERR_INVALID_UNIT', { notPercentage: { what, text } });
  }
  return v;
}

function trim(v: number): string {
  return String(Number(v.toPrecision(4)));
}
