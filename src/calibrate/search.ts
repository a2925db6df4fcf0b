// The configuration search: batch sizes × workers, each measured by a concurrency sweep that stops
// at a throughput plateau or the first level past the SLO (as `mlserve loadtest` does). Early stop
// across configurations too: more workers are tried only while they add throughput, and larger
// batches only while a batch size beats the best so far, so a model that does not scale costs a
// few sweeps, not the whole grid.

export interface SearchConfig {
  batchSize: number;
  workers: number;
}

export interface ConfigMeasurement {
  config: SearchConfig;
  /** Highest 2xx throughput (req/s) of a level meeting the SLO; 0 when no level met it. */
  capacity: number;
  /** The concurrency of that level (0 when none met it). */
  concurrency: number;
  /** Latency at that level, at the SLO's percentile (ms). */
  latencyMs?: number;
  /** Resident memory of the model's workers after the sweep (bytes). */
  memory: number;
}

export interface SearchResult {
  best?: ConfigMeasurement;
  tried: ConfigMeasurement[];
}

/** Smallest relative gain that counts as an improvement (5%, loadtest's plateau rule). */
export const MIN_GAIN = 0.05;

export async function searchConfigs(
  batchSizes: number[],
  workers: number[],
  measure: (c: SearchConfig) => Promise<ConfigMeasurement>,
  minGain = MIN_GAIN,
): Promise<SearchResult> {
  const tried: ConfigMeasurement[] = [];
  let best: ConfigMeasurement | undefined;
  const better = (a: ConfigMeasurement, b: ConfigMeasurement | undefined): boolean => a.capacity > 0 && (!b || a.capacity > b.capacity * (1 + minGain));
  for (const batchSize of [...batchSizes].sort((a, b) => a - b)) {
    let bestHere: ConfigMeasurement | undefined;
    for (const w of [...workers].sort((a, b) => a - b)) {
      const m = await measure({ batchSize, workers: w });
      tried.push(m);
      if (!better(m, bestHere)) break; // another worker did not help: more will not either
      bestHere = m;
    }
    if (!bestHere) {
      // Nothing met the SLO at this batch size: a larger batch only waits longer, unless this one
      // failed for lack of requests to fill it, which concurrency sweeps rule out.
      if (best) break;
      continue;
    }
    if (!better(bestHere, best)) break; // a larger batch did not beat the best: stop growing it
    best = bestHere;
  }
  return best ? { best, tried } : { tried };
}
