import type { ErrorSpec } from '../errors.js';

// Codes of the pipeline area. Add new codes here; tests assert codes, not wording.
export const pipelineErrors = {
} satisfies Record<string, ErrorSpec>;
