import type { ErrorSpec } from '../errors.js';

// Codes of the pack area. Add new codes here; tests assert codes, not wording.
export const packErrors = {
} satisfies Record<string, ErrorSpec>;
