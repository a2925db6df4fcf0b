// Suffix subset sums as bitsets, for bin completion (src/pack/heuristics/bin-completion.ts): for every k, the
// sums 0..C that the items of weight types k, k+1, ... still unplaced can make. Listing the sets
// that complete a bin then abandons a branch as soon as its window of sums is out of reach, and
// an item over half the capacity with no reachable completion ends the branch at once.

/**
 * Which sums the items of types k, k+1, ... left can make, for every k (one bitset of 0..cap per
 * k): a completion that no longer reaches its window from type k on is abandoned at once.
 */
export class ReachableSums {
  private readonly words: number;
  readonly bits: Uint32Array;
  private readonly tmp: Uint32Array;
  private width = 0;

  constructor(
    private readonly n: number,
    private readonly cap: number,
  ) {
    this.words = (cap >>> 5) + 1;
    this.bits = new Uint32Array((n + 1) * this.words);
    this.tmp = new Uint32Array(this.words);
  }

  /** Rows for the counts left; sums above `width` (no window reaches them) are not kept. */
  fill(val: number[], cnt: Int32Array, width: number): void {
    this.width = width;
    const W = Math.min(this.words, (width >>> 5) + 1);
    const S = this.words;
    const b = this.bits;
    const tmp = this.tmp;
    b.fill(0, this.n * S, this.n * S + W);
    b[this.n * S] = 1;
    for (let k = this.n - 1; k >= 0; k--) {
      const to = k * S;
      b.copyWithin(to, to + S, to + S + W);
      const v = val[k]!;
      if (cnt[k] === 0 || v > width) continue;
      tmp.set(b.subarray(to + S, to + S + W));
      const q = v >>> 5;
      const r = v & 31;
      for (let c = 0; c < cnt[k]! && v * (c + 1) <= width; c++) {
        // tmp <<= v, or-ed into the row
        if (r === 0) {
          for (let i = W - 1; i >= q; i--) {
            tmp[i] = tmp[i - q]!;
            b[to + i] = b[to + i]! | tmp[i]!;
          }
        } else {
          for (let i = W - 1; i > q; i--) {
            tmp[i] = (tmp[i - q]! << r) | (tmp[i - q - 1]! >>> (32 - r));
            b[to + i] = b[to + i]! | tmp[i]!;
          }
          tmp[q] = tmp[0]! << r;
          b[to + q] = b[to + q]! | tmp[q]!;
        }
        tmp.fill(0, 0, Math.min(q, W));
      }
    }
  }

  /** Whether the types from k on make some sum in [lo, hi]. */
  any(k: number, lo: number, hi: number): boolean {
    const base = k * this.words;
    const b = this.bits;
    for (let v = Math.max(0, lo); v <= Math.min(hi, this.width); ) {
      const word = b[base + (v >>> 5)]! >>> (v & 31);
      if (word === 0) {
        v = (v | 31) + 1;
        continue;
      }
      const at = v + (31 - Math.clz32(word & -word));
      return at <= hi;
    }
    return false;
  }
}
