import type { ErrorSpec } from '../errors.js';

// Codes of the trace area. Add new codes here; tests assert codes, not wording.
export const traceErrors = {
} satisfies Record<string, ErrorSpec>;
