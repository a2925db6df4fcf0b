import type { ErrorSpec } from '../errors.js';

// Codes of the deploy area. Add new codes here; tests assert codes, not wording.
export const deployErrors = {
} satisfies Record<string, ErrorSpec>;
