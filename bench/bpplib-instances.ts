// Readers for published bin-packing instances (BPPLIB 1-D `.txt`, VPSolver vector `.vbp`) as
// packing problems: one instance type with one processor, weights as sizes. Used by bench/pack.ts
// and the pack tests to measure the solver against known optima (benchmark input, not pack's:
// `mlserve pack` reads profiles.yaml).
import { readFile } from 'node:fs/promises';
import type { ItemType, Problem } from '../src/pack/model/problem.js';

function numbers(text: string): number[] {
  return text.split(/\s+/).filter(Boolean).map(Number);
}

function problemOf(name: string, cap: number[], items: Array<{ size: number[]; demand: number }>): Problem {
  // identical sizes are one item type with a demand
  const byKey = new Map<string, ItemType>();
  items.forEach((it, n) => {
    const key = it.size.join(',');
    const old = byKey.get(key);
    const models = Array.from({ length: it.demand }, (_, c) => ({ name: `${name}-${n}-${c}` }));
    if (old) {
      old.demand += it.demand;
      old.maxPerBin = old.demand;
      old.models.push(...models);
    } else byKey.set(key, { models, demand: it.demand, maxPerBin: it.demand, sizes: [{ proc: it.size, inst: [] }] });
  });
  return { items: [...byKey.values()], bins: [{ name: 'bin', family: 'bin', price: 1, cost: 1, procs: 1, procCap: cap, instCap: [] }], objective: 'count' };
}

/** BPPLIB 1-D: n, capacity, then n weights. */
export function parseBpp(text: string, name = 'item'): Problem {
  const [n, c, ...w] = numbers(text);
  if (n === undefined || c === undefined || w.length < n) throw new Error(`${name}: not a BPPLIB instance`);
  return problemOf(name, [c], w.slice(0, n).map((x) => ({ size: [x], demand: 1 })));
}

/** VPSolver .vbp: d, d capacities, m, then m lines of d sizes and a demand. */
export function parseVbp(text: string, name = 'item'): Problem {
  const v = numbers(text);
  const d = v[0]!;
  const cap = v.slice(1, 1 + d);
  const m = v[1 + d]!;
  const items: Array<{ size: number[]; demand: number }> = [];
  for (let j = 0; j < m; j++) {
    const row = v.slice(2 + d + j * (d + 1), 2 + d + (j + 1) * (d + 1));
    items.push({ size: row.slice(0, d), demand: row[d] ?? 1 });
  }
  return problemOf(name, cap, items);
}

export async function readBenchmark(path: string): Promise<Problem> {
  const text = await readFile(path, 'utf8');
  const name = path.replace(/^.*\//, '').replace(/\.\w+$/, '');
  return path.endsWith('.vbp') ? parseVbp(text, name) : parseBpp(text, name);
}
