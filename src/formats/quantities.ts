// Schema pieces for quantities written with units in the step files (`memory: 0.3GB`).
import { z } from 'zod';
import { parseBytes } from '../units.js';

/** A size with a unit (`0.3GB`, `512MiB`) or a number of bytes; parsed to bytes. */
export const bytesField = z.union([z.string(), z.number().nonnegative()]).transform((v, ctx) => {
  try {
    return parseBytes(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

export const percentField = z.number().min(0).max(100);
