// A worker recycles itself when its resident memory passes the smallest `maxWorkerMemory`
// (model-config.yaml) of the models it holds: it answers its batch and exits, and its pool starts a
// fresh one, so a handler that leaks is replaced before it takes the machine's memory.
// Reading RSS costs a /proc read (≈16 µs): at most once per `checkMs` (workerLimits.rssCheckMs, given
// to the worker on its command line), and never while no model set a limit. The time and the reading
// are passed in, so the rule is tested on a fake clock (test/serve/memory-watch.test.ts).

export interface MemoryWatchOptions {
  checkMs: number;
  /** Monotonic ms (performance.now in the worker). */
  now(): number;
  /** Resident set size in bytes (process.memoryUsage.rss in the worker). */
  rss(): number;
}

export class MemoryWatch {
  /** The smallest maxWorkerMemory of the models loaded here, in bytes. */
  limit = Infinity;
  private lastCheck = -Infinity;

  constructor(private readonly opts: MemoryWatchOptions) {}

  /** A model loaded here set maxWorkerMemory: the smallest limit counts. */
  lower(bytes: number): void {
    this.limit = Math.min(this.limit, bytes);
  }

  /** The RSS when a check is due and finds it over the limit; undefined otherwise. */
  over(): number | undefined {
    if (this.limit === Infinity) return undefined;
    const now = this.opts.now();
    if (now - this.lastCheck < this.opts.checkMs) return undefined;
    this.lastCheck = now;
    const rss = this.opts.rss();
    return rss > this.limit ? rss : undefined;
  }
}
