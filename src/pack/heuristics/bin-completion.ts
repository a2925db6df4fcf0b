// Bin completion towards a plan of exactly `bins` bins when the items leave (almost) no room: the
// slack s = bins × C − Σw is all the waste such a plan may have, so with s = 0 (the AI instances
// of Delorme, Iori & Martello) every bin must be filled to C exactly. Swap-based searches wander
// among plans one bin too many; here bins are built one at a time instead (after Korf's bin
// completion), depth first: the item over half the capacity with the fewest completions left
// opens the next bin (fail first; once none is left, the heaviest item), and the sets of smaller
// items that fill it to within the slack left are tried least waste first, then those the other
// opening items need least. Suffix reachable sums (src/pack/heuristics/reachable-sums.ts) prune the listing.
// Each attempt has a small node budget and its own random style, then restarts: the running
// times are heavy-tailed, so many short randomized attempts beat one long one. The deepest
// partial plan is kept for a local search to repair.
import { ReachableSums } from './reachable-sums.js';
import { lcg } from '../../seeded-random.js';

export interface FillOptions {
  deadline: number; // clock value to stop at
  seed: number;
  /** The clock (default Date.now; tests give a counter, a budget of steps no load can shorten). */
  now?: () => number;
  /** Nodes per attempt before a restart. */
  nodeBudget?: number;
  /** Completions tried per bin (the least wasteful ones). */
  width?: number;
}

const NODE_BUDGET = 300;
const WIDTH = 6;
const ENUM_LIMIT = 400; // completions listed per bin before choosing which to try
const ENUM_STEPS = 5_000; // search steps per listing
const COUNT_LIMIT = 50; // completions counted per candidate opening item (fail first)
const MAX_REACH_WORDS = 1 << 22; // 16 MB of reachable-sum bitsets at the most

/**
 * How one attempt chooses; drawn per attempt, since which choices succeed differs per instance
 * and is a matter of luck (a portfolio of restarts).
 */
interface Style {
  countMost: number; // items per completion when counting an opening item's completions
  most: number; // items per completion of an item over half the capacity
  noise: number; // random share in the order of equally wasteful completions
}

function drawStyle(random: () => number): Style {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  return { countMost: pick([2, 2, 3]), most: pick([3, 9, Infinity]), noise: pick([0.1, 0.3, 1, 3]) };
}
const YIELD_MS = 30;

/** Items grouped by weight, heaviest first (copies of one weight are interchangeable). */
interface Types {
  val: number[];
  cnt: Int32Array;
  ids: number[][];
}

function typesOf(w: number[]): Types {
  const byW = new Map<number, number[]>();
  w.forEach((x, i) => byW.set(x, [...(byW.get(x) ?? []), i]));
  const val = [...byW.keys()].sort((a, b) => b - a);
  return { val, cnt: Int32Array.from(val, (v) => byW.get(v)!.length), ids: val.map((v) => byW.get(v)!) };
}

class Attempt {
  nodes = 0;
  deepest: number[][] = []; // the most bins this attempt filled
  readonly chosen: number[][] = []; // per bin, the type of each item
  private readonly n: number;
  private steps = 0; // enumeration steps of the current listing
  private readonly reach: ReachableSums;
  private readonly demand: Float64Array;

  constructor(
    private readonly t: Types,
    private readonly cap: number,
    private readonly random: () => number,
    private readonly budget: number,
    private readonly width: number,
    private readonly style: Style,
    private readonly past: () => boolean,
  ) {
    this.n = t.val.length;
    this.reach = new ReachableSums(this.n, cap);
    this.demand = new Float64Array(this.n);
  }

  /** First type index ≥ k whose weight is at most `most` (weights descend). */
  private firstAtMost(k: number, most: number): number {
    let lo = k;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.t.val[mid]! > most) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Up to `limit` completions (types, heaviest first) with sum in [lo, hi], from what is left;
   * `exhausted` is false when the step budget cut the listing short.
   */
  private completions(lo: number, hi: number, limit: number, rest: Float64Array, most = Infinity): { list: number[][]; exhausted: boolean } {
    const { val, cnt } = this.t;
    const list: number[][] = [];
    const take: number[] = [];
    this.steps = 0;
    let exhausted = true;
    const walk = (k: number, sum: number): void => {
      if (sum >= lo && (take.length > 0 || lo <= 0) && !this.dominated(take, hi - sum)) list.push([...take]);
      if (take.length >= most) return;
      for (let j = this.firstAtMost(k, hi - sum); j < this.n && list.length < limit; j++) {
        if (++this.steps > ENUM_STEPS) {
          exhausted = false;
          return;
        }
        if (sum + rest[j]! < lo || !this.reach.any(j, lo - sum, hi - sum)) return;
        if (cnt[j] === 0) continue;
        cnt[j]!--;
        take.push(j);
        walk(j, sum + val[j]!);
        take.pop();
        cnt[j]!++;
        if (!exhausted) return;
      }
    };
    walk(0, 0);
    return { list, exhausted: exhausted && list.length < limit };
  }

  /**
   * Whether a heavier item left could replace one of the completion's and still fit (with `room`
   * to spare): then the swapped completion is as good (the replaced item takes the heavier
   * one's place), so this one need not be tried (Martello and Toth's dominance, as in Korf's bin
   * completion). Counts are those left with `take` removed.
   */
  private dominated(take: number[], room: number): boolean {
    if (room <= 0) return false;
    const { val, cnt } = this.t;
    for (let k = 0; k < take.length; k++) {
      const j = take[k]!;
      if (k > 0 && take[k - 1] === j) continue;
      for (let y = this.firstAtMost(0, val[j]! + room); y < j && val[y]! > val[j]!; y++) if (cnt[y]! > 0) return true;
    }
    return false;
  }

  /**
   * The item to open the next bin with: among items over half the capacity (each needs a bin of
   * its own), the one with the fewest completions (fail first; none means a dead end); after
   * them, simply the heaviest item left.
   */
  private anchor(slack: number, rest: Float64Array, first: number): { a: number; dead: boolean } {
    const { val, cnt } = this.t;
    if (val[first]! * 2 <= this.cap) return { a: first, dead: false };
    let best = first;
    let fewest = Infinity;
    this.demand.fill(0);
    for (let a = first; a < this.n && val[a]! * 2 > this.cap; a++) {
      if (cnt[a] === 0) continue;
      const gap = this.cap - val[a]!;
      // the reachable sums say at once whether any completion is left (big items are not in them)
      if (!this.reach.any(0, gap - slack, gap)) return { a, dead: true };
      const r = this.completions(gap - slack, gap, COUNT_LIMIT, rest, this.style.countMost);
      // how much the other opening items need each item type (a sole completion counts fully)
      for (const c of r.list) for (const j of c) this.demand[j] = this.demand[j]! + 1 / r.list.length;
      if (r.list.length < fewest) {
        fewest = r.list.length;
        best = a;
      }
    }
    return { a: best, dead: false };
  }

  /** Fills bins until no item is left (true), or gives up on this branch. */
  search(slack: number): boolean {
    if (++this.nodes > this.budget || (this.nodes % 64 === 0 && this.past())) {
      this.nodes = this.budget + 1;
      return false;
    }
    const { val, cnt } = this.t;
    const rest = new Float64Array(this.n + 1);
    for (let k = this.n - 1; k >= 0; k--) rest[k] = rest[k + 1]! + val[k]! * cnt[k]!;
    if (rest[0] === 0) return true;
    let first = 0;
    while (cnt[first] === 0) first++;
    // the widest window any opening item can have: the lightest big item's, or the heaviest item's
    let last = first;
    for (let k = first; k < this.n && val[k]! * 2 > this.cap; k++) if (cnt[k]! > 0) last = k;
    this.reach.fill(val, cnt, this.cap - val[last]!);
    const { a, dead } = this.anchor(slack, rest, first);
    if (dead) return false;
    cnt[a]!--;
    const gap = this.cap - val[a]!;
    const { list } = this.completions(gap - slack, gap, ENUM_LIMIT, rest, val[a]! * 2 > this.cap ? this.style.most : Infinity);
    const sumOf = (c: number[]) => c.reduce((s, j) => s + val[j]!, 0);
    // least waste first, then the completions the other opening items need least
    const need = (c: number[]) => c.reduce((s, j) => s + this.demand[j]! / cnt[j]!, 0);
    const keyed = list.map((c) => ({ c, waste: gap - sumOf(c), r: need(c) + this.random() * this.style.noise }));
    keyed.sort((x, y) => x.waste - y.waste || x.c.length - y.c.length || x.r - y.r);
    // one item filling the bin exactly dominates every other completion: whatever a plan puts
    // with the opening item instead weighs no more, so it can trade places with that item
    const exactOne = keyed.find((k) => k.waste === 0 && k.c.length === 1);
    const tries = exactOne ? [exactOne] : keyed.slice(0, this.width);
    for (const { c, waste } of tries) {
      for (const j of c) cnt[j]!--;
      this.chosen.push([a, ...c]);
      if (this.chosen.length > this.deepest.length) this.deepest = this.chosen.map((b) => [...b]);
      if (this.search(slack - waste)) return true;
      this.chosen.pop();
      for (const j of c) cnt[j]!++;
      if (this.nodes > this.budget) break;
    }
    cnt[a]!++;
    return false;
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Bins of item indexes for bins given as item types (any copies of each type). */
function toItems(t: Types, chosen: number[][]): { bins: number[][]; left: number[] } {
  const left = t.ids.map((l) => [...l]);
  const bins = chosen.map((types) => types.map((j) => left[j]!.pop()!));
  return { bins, left: left.flat() };
}

/** First-fit decreasing of the items left, after the bins given. */
function firstFit(w: number[], cap: number, bins: number[][], left: number[]): number[][] {
  const load = bins.map(() => cap); // the given bins count as full
  const out = bins.map((b) => [...b]);
  for (const i of [...left].sort((a, b) => w[b]! - w[a]!)) {
    let j = load.findIndex((l) => l + w[i]! <= cap);
    if (j < 0) j = out.push([]) - 1;
    out[j]!.push(i);
    load[j] = (load[j] ?? 0) + w[i]!;
  }
  return out;
}

export interface FillResult {
  /** Every item, in bins; the first bins are the search's (full to within the slack). */
  bins: number[][];
  /** Whether `bins` is a plan of at most the bins asked for. */
  complete: boolean;
}

/**
 * Looks for a plan of at most `bins` bins until the deadline. Failing that, returns the deepest
 * partial plan found, its items left packed first-fit decreasing: a start for a local search that
 * only has to repair the end. Null when no such plan can exist (the weights exceed `bins` × the
 * capacity) or the weights are not integers on a grid small enough for the bitsets.
 */
export async function binCompletion(weights: number[], capacity: number, bins: number, opts: FillOptions): Promise<FillResult | null> {
  // the reachable sums are bitsets over 0..C: on the grid of the weights' greatest common
  // divisor (bytes of memory are multiples of some unit), and only when that table is small
  if (!Number.isSafeInteger(capacity) || weights.some((x) => !Number.isSafeInteger(x) || x <= 0)) return null;
  const g = weights.reduce(gcd, capacity);
  const w = weights.map((x) => x / g);
  const cap = capacity / g;
  const slack = bins * cap - w.reduce((a, b) => a + b, 0);
  if (slack < 0 || w.some((x) => x > cap)) return null;
  const t = typesOf(w);
  if ((t.val.length + 1) * (Math.floor(cap / 32) + 1) > MAX_REACH_WORDS) return null;
  const random = lcg(opts.seed);
  const now = opts.now ?? Date.now;
  const past = () => now() > opts.deadline;
  let yielded = now();
  let deepest: number[][] = [];
  for (let attempt = 0; now() < opts.deadline; attempt++) {
    const run = new Attempt({ ...t, cnt: Int32Array.from(t.cnt) }, cap, random, opts.nodeBudget ?? NODE_BUDGET, opts.width ?? WIDTH, drawStyle(random), past);
    if (run.search(slack)) {
      const out = toItems(t, run.chosen).bins;
      return { bins: out, complete: out.length <= bins };
    }
    if (run.deepest.length > deepest.length) deepest = run.deepest;
    if (now() - yielded > YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      yielded = now();
    }
  }
  const partial = toItems(t, deepest);
  return { bins: firstFit(w, cap, partial.bins, partial.left), complete: false };
}
