import type { ErrorSpec } from '../errors.js';

// Codes of the serve area. Add new codes here; tests assert codes, not wording.
export const serveErrors = {
} satisfies Record<string, ErrorSpec>;
