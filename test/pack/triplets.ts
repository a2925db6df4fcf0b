// Test instances: Falkenauer-style triplets, where every bin of 1000 holds exactly three items in
// the optimum (the hard case for greedy and swap-based local search), from a seeded generator.

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** 3 × `bins` weights that fill `bins` bins of 1000 exactly; shuffled when asked. */
export function tripletWeights(bins: number, seed: number, shuffle = false): number[] {
  const r = rng(seed);
  const w: number[] = [];
  for (let k = 0; k < bins; k++) {
    const a = 250 + Math.floor(r() * 150);
    const b = 250 + Math.floor(r() * 150);
    w.push(a, b, 1000 - a - b);
  }
  for (let i = w.length - 1; shuffle && i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [w[i], w[j]] = [w[j]!, w[i]!];
  }
  return w;
}
