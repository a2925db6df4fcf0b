// When the local searches (consistent-search.ts, vector-search.ts, bin-elimination.ts) stop, and their random
// stream: one options object, so the clock can be injected.
/** When a search stops, and its random stream. */
export interface SearchLimits {
  /** Clock value to stop at. */
  deadline: number;
  /** The bound (bins for the consistent searches, cost for bin elimination): the search stops on reaching it. */
  target: () => number;
  seed: number;
  /** The clock (default Date.now; tests give a counter, a budget of steps no load can shorten). */
  now?: () => number;
}
