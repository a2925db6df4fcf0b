import type { ErrorSpec } from '../errors.js';

// Codes of the archive area. Add new codes here; tests assert codes, not wording.
export const archiveErrors = {
} satisfies Record<string, ErrorSpec>;
