// Reduced-cost search for one-dimensional bin packing (the last step to an optimum where the LP
// bound is tight but rounding cannot find a plan at it, as on Hard28 BPP40 and BPP60).
//
// With dual prices σ ≥ 0 feasible for the pattern LP (no bin's items are worth more than 1), a
// plan of T bins that places every item exactly has Σ over its bins of (1 − σ·bin) = T − σ·d,
// and every term is ≥ 0. So each bin of such a plan has reduced cost 1 − σ·bin ≤ G = T − σ·d,
// and the bins' reduced costs add up to at most G. Where the LP bound is tight, G is tiny
// (0.001 on BPP40), and only a few hundred bins qualify: they are enumerated exactly (depth-first,
// bounded by the fractional knapsack), then a plan is searched for as an exact cover of the
// demands by those bins within the budget G. When the enumeration is complete and the search
// exhausts without a plan, no plan of T bins exists: a proof that the optimum is at least T + 1.

import { mulberry32 } from '../../seeded-random.js';
import { EPS } from '../model/tolerance.js';

export interface RcProblem {
  w: number[]; // weight of each item type
  demand: number[];
  cap: number;
}

export interface RcPattern {
  types: number[];
  counts: number[];
  rc: number; // 1 − σ·pattern
}

const fits = (used: number, cap: number) => used <= cap * (1 + EPS) + EPS;

/** Item types by value density (σ/w), densest first, for the fractional knapsack bound. */
function densityOrder(p: RcProblem, sigma: number[]): number[] {
  return p.w.map((_, i) => i).filter((i) => p.demand[i]! > 0).sort((a, b) => sigma[b]! / p.w[b]! - sigma[a]! / p.w[a]! || p.w[b]! - p.w[a]!);
}

/** Value a bin with `room` left can still gain from the types order[k..] (fractional knapsack). */
function fractionalGain(p: RcProblem, sigma: number[], order: number[], k: number, room: number): number {
  let gain = 0;
  for (let j = k; j < order.length && room > EPS; j++) {
    const i = order[j]!;
    const take = Math.min(p.demand[i]! * p.w[i]!, room);
    gain += (take / p.w[i]!) * sigma[i]!;
    room -= take;
  }
  return gain;
}

/**
 * Every non-empty bin whose reduced cost under `sigma` is at most `gap`, or `complete: false`
 * when there are more than `limit` of them (or the search passes `maxNodes` or the deadline).
 */
export function enumeratePatterns(p: RcProblem, sigma: number[], gap: number, limit: number, deadline: number, maxNodes = Infinity): { patterns: RcPattern[]; complete: boolean; nodes: number } {
  const order = densityOrder(p, sigma);
  const patterns: RcPattern[] = [];
  const types: number[] = [];
  const counts: number[] = [];
  let nodes = 0;
  let stopped = false;
  const need = 1 - gap - EPS; // a bin must be worth at least this much
  const dfs = (k: number, room: number, value: number): void => {
    if (stopped) return;
    if ((++nodes % 4096 === 0 && Date.now() > deadline) || nodes > maxNodes) stopped = true;
    if (k === order.length) {
      if (types.length && value >= need) {
        if (patterns.length >= limit) stopped = true;
        else patterns.push({ types: [...types], counts: [...counts], rc: Math.max(0, 1 - value) });
      }
      return;
    }
    if (value + fractionalGain(p, sigma, order, k, room) < need) return;
    const i = order[k]!;
    for (let c = Math.min(p.demand[i]!, Math.floor((room + EPS * p.cap) / p.w[i]!)); c >= 0 && !stopped; c--) {
      if (c > 0 && !fits(p.cap - room + c * p.w[i]!, p.cap)) continue;
      if (c > 0) {
        types.push(i);
        counts.push(c);
      }
      dfs(k + 1, room - c * p.w[i]!, value + c * sigma[i]!);
      if (c > 0) {
        types.pop();
        counts.pop();
      }
    }
  };
  dfs(0, p.cap, 0);
  return { patterns, complete: !stopped, nodes };
}

export interface RcSearchResult {
  bins: RcPattern[] | null; // a plan of at most `maxBins` bins, each a pattern
  exhausted: boolean; // the whole tree was searched (with a complete enumeration: no such plan)
  nodes: number;
}

const MEMO_LIMIT = 2_000_000; // failed states remembered (cleared when full)
const SPENT_STEPS = 2 ** 20; // budget quantization of the remembered states

/**
 * An exact cover of the demands by at most `maxBins` of `patterns` whose reduced costs add up to
 * at most `gap`. Depth-first: the item type with the fewest usable patterns next, branching on the
 * pattern that places one of its copies, cheapest first. States that failed are remembered by the
 * items they leave (an 85-bit Zobrist hash) with the budget spent reaching them: a later visit
 * with as much spent fails too (the bins used so far follow from the two).
 */
export function coverSearch(p: RcProblem, patterns: RcPattern[], gap: number, maxBins: number, deadline: number, maxNodes = Infinity): RcSearchResult {
  const n = p.w.length;
  const budget = gap + 1e-7;
  const total = p.demand.reduce((a, d, i) => a + d * p.w[i]!, 0);
  // a plan of maxBins bins leaves at most this much room in its bins altogether
  const wasteCap = maxBins * p.cap - total + EPS * maxBins * p.cap;
  const waste = patterns.map((pt) => pt.types.reduce((a, i, k) => a - p.w[i]! * pt.counts[k]!, p.cap));
  const byType: number[][] = Array.from({ length: n }, () => []);
  patterns.forEach((pt, j) => {
    if (waste[j]! <= wasteCap && pt.rc <= budget) pt.types.forEach((i) => byType[i]!.push(j));
  });
  for (const list of byType) list.sort((a, b) => patterns[a]!.rc - patterns[b]!.rc || waste[a]! - waste[b]!);
  const rnd = mulberry32(0x5eed);
  const zob = [0, 1, 2].map(() => p.demand.map((d) => Array.from({ length: d + 1 }, rnd)));
  const left = [...p.demand];
  const hash = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let h = 0; h < 3; h++) hash[h]! ^= zob[h]![i]![left[i]!]!;
  let memo = new Map<number, number>();
  const chosen: number[] = [];
  let spent = 0;
  let wasted = 0;
  let nodes = 0;
  let stopped = false;
  const usable = (j: number) => {
    if (spent + patterns[j]!.rc > budget || wasted + waste[j]! > wasteCap) return false;
    const pt = patterns[j]!;
    for (let k = 0; k < pt.types.length; k++) if (pt.counts[k]! > left[pt.types[k]!]!) return false;
    return true;
  };
  const apply = (j: number, sign: 1 | -1) => {
    const pt = patterns[j]!;
    for (let k = 0; k < pt.types.length; k++) {
      const i = pt.types[k]!;
      for (let h = 0; h < 3; h++) hash[h]! ^= zob[h]![i]![left[i]!]!;
      left[i]! -= sign * pt.counts[k]!;
      for (let h = 0; h < 3; h++) hash[h]! ^= zob[h]![i]![left[i]!]!;
    }
    spent += sign * pt.rc;
    wasted += sign * waste[j]!;
    if (sign > 0) chosen.push(j);
    else chosen.pop();
  };
  const key = () => hash[0]! * 2 ** 21 + (hash[1]! >>> 11);
  const failedBefore = () => {
    const v = memo.get(key());
    return v !== undefined && Math.floor(v / SPENT_STEPS) === hash[2]! && Math.floor((spent / budget) * (SPENT_STEPS - 1)) >= v % SPENT_STEPS;
  };
  const remember = () => {
    if (memo.size >= MEMO_LIMIT) memo = new Map();
    const old = memo.get(key());
    const q = Math.ceil((Math.max(0, spent) / budget) * (SPENT_STEPS - 1));
    if (old === undefined || Math.floor(old / SPENT_STEPS) !== hash[2]! || q < old % SPENT_STEPS) memo.set(key(), hash[2]! * SPENT_STEPS + q);
  };
  const dfs = (): boolean => {
    if ((++nodes % 1024 === 0 && Date.now() > deadline) || nodes > maxNodes) stopped = true;
    if (stopped) return false;
    if (failedBefore()) return false;
    // the type with the fewest usable patterns; every type left needs one (its cheapest bounds the rest)
    let pick = -1;
    let fewest = Infinity;
    let needRc = 0;
    let needWaste = 0;
    for (let i = 0; i < n; i++) {
      if (left[i]! <= 0) continue;
      let count = 0;
      let cheapest = Infinity;
      let tightest = Infinity;
      for (const j of byType[i]!) {
        if (!usable(j)) continue;
        count++;
        cheapest = Math.min(cheapest, patterns[j]!.rc);
        tightest = Math.min(tightest, waste[j]!);
      }
      if (count === 0) {
        remember();
        return false;
      }
      needRc = Math.max(needRc, cheapest);
      needWaste = Math.max(needWaste, tightest);
      if (count < fewest) {
        fewest = count;
        pick = i;
      }
    }
    if (pick < 0) return chosen.length <= maxBins; // every item placed
    if (spent + needRc > budget || wasted + needWaste > wasteCap) {
      remember();
      return false;
    }
    for (const j of byType[pick]!) {
      if (!usable(j)) continue;
      apply(j, 1);
      if (dfs()) return true;
      apply(j, -1);
      if (stopped) return false;
    }
    remember();
    return false;
  };
  const ok = dfs();
  return { bins: ok ? chosen.map((j) => patterns[j]!) : null, exhausted: !ok && !stopped, nodes };
}
