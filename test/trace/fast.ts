// Short measuring windows for tests: the figures are real, just from fewer runs.
import type { MeasureSettings } from '../../src/trace/measure.js';

export const FAST: Partial<MeasureSettings> = { durationMs: 150, warmupIterations: 2, minIterations: 10, timeoutMs: 60_000 };
