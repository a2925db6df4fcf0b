import type { ErrorSpec } from '../errors.js';

// Codes of the loadtest area. Add new codes here; tests assert codes, not wording.
export const loadtestErrors = {
} satisfies Record<string, ErrorSpec>;
