// Seeded pseudo-random generators, so a seed reproduces a run (searches, load orders, hashes).

/** A linear congruential generator (Numerical Recipes constants): floats in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** mulberry32: well-mixed unsigned 32-bit integers (every bit usable, e.g. for Zobrist hashing). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}
