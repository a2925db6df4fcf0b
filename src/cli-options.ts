// Parsers for commander option values: they throw coded errors, so a bad flag gets the same
// treatment as any other bad input.
import { MlsError } from './errors.js';
import { parseBytes, parseDurationMs, parsePercent } from './units.js';

export function intArg(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || n < min || n > max) {
      throw new MlsError('MLS_ERR_USAGE', { notIntegerIn: { name, v, min, max } });
    }
    return n;
  };
}

export function numberArg(name: string, min = -Infinity, max = Infinity) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new MlsError('MLS_ERR_USAGE', { notNumberIn: { name, v, min, max } });
    }
    return n;
  };
}

export const bytesArg = (name: string) => (v: string): number => parseBytes(v, name);
export const durationArg = (name: string) => (v: string): number => parseDurationMs(v, name);
export const percentArg = (name: string) => (v: string): number => parsePercent(v, name);

export function listArg(v: string, prev: string[] = []): string[] {
  return [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
}

export function choiceArg<T extends string>(name: string, choices: readonly T[]) {
  return (v: string): T => {
    if (!(choices as readonly string[]).includes(v)) {
      throw new MlsError('MLS_ERR_USAGE', { notOneOf: { name, v, choices: choices.join(', ') } });
    }
    return v as T;
  };
}
