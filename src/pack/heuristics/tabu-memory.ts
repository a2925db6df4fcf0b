// The tabu rule both consistent neighbourhood searches (1-D and vector) share: items just packed
// into a bin may not leave it for a while, the longer the more often items of their type have been
// packed into it. Kept by (bin, item type): copies of one model are interchangeable.
export class TabuMemory {
  private readonly freq = new Map<number, number>();
  private readonly until = new Map<number, number>();
  private readonly types: number;

  constructor(private readonly cls: ArrayLike<number>) {
    this.types = Math.max(0, ...Array.from(cls)) + 1;
  }

  /** Item `i` was packed into `bin` at step `iter`. */
  packed(bin: number, i: number, iter: number): void {
    const key = bin * this.types + this.cls[i]!;
    const f = (this.freq.get(key) ?? 0) + 1;
    this.freq.set(key, f);
    this.until.set(key, iter + Math.floor(f / 2));
  }

  /** Whether any of `items` may not leave `bin` at step `iter`. */
  held(bin: number, items: number[], iter: number): boolean {
    return items.some((i) => (this.until.get(bin * this.types + this.cls[i]!) ?? 0) > iter);
  }
}
