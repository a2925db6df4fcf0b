// Exact latency percentiles: every response's latency is kept (8 bytes each, so a million samples
// cost 8 MB) and sorted once per level. autocannon's own histogram rounds to whole milliseconds and
// has no p95, which is why mlserve does not use it.
import type { LatencySummary } from './types.js';

/** A growable buffer of latency samples in milliseconds. */
export class LatencySamples {
  private data = new Float64Array(1024);
  private n = 0;

  add(ms: number): void {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = ms;
  }

  get count(): number {
    return this.n;
  }

  /** A sorted copy of the samples. */
  sorted(): Float64Array {
    return this.data.slice(0, this.n).sort();
  }

  /** Appends another buffer's samples (per-model buffers merged into the level's). */
  addAll(other: LatencySamples): void {
    const src = other.data.subarray(0, other.n);
    for (const v of src) this.add(v);
  }
}

/**
 * Nearest-rank percentile of sorted samples: the smallest value with at least p% of the samples at
 * or below it (the definition HDR histograms and perf_analyzer use; never interpolated, so every
 * figure is a latency that was actually measured).
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  // The epsilon keeps float error from pushing an exact rank up one (99.9% of 2000 is 1998.0000000000002).
  const rank = Math.min(n, Math.max(1, Math.ceil((p * n) / 100 - 1e-9)));
  return sorted[rank - 1]!;
}

const STANDARD = new Set([50, 90, 95, 99]);

export function summarize(samples: LatencySamples, extra: number[] = []): LatencySummary {
  const s = samples.sorted();
  const n = s.length;
  const wanted = extra.filter((p) => !STANDARD.has(p));
  const at = wanted.length ? Object.fromEntries(wanted.map((p) => [String(p), percentile(s, p)])) : undefined;
  if (n === 0) return { count: 0, min: NaN, mean: NaN, p50: NaN, p90: NaN, p95: NaN, p99: NaN, max: NaN, ...(at ? { at } : {}) };
  let sum = 0;
  for (const v of s) sum += v;
  return {
    count: n,
    min: s[0]!,
    mean: sum / n,
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s[n - 1]!,
    ...(at ? { at } : {}),
  };
}
