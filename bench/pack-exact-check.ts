// One-off check of `mlserve pack`'s answers on the realistic 50-model fleets (bench/pack, `e:`):
// the true optimum by an exact MIP outside mlserve (CBC, Debian's coinor-cbc), so an unproven
// case says whether the plan or the bound was off. The model: integer copies of each model per
// (instance slot, processor), slots per type limited to what the solver's plan costs, slots of a
// type opened in order. Not a test: it needs cbc and minutes per case.
// Usage: node dist/bench/pack-exact-check.js [--only REGEX] [--seconds 300] [--solver-seconds 30]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import GLPK, { type LP } from 'glpk.js/node';
import { buildProblem } from '../src/pack/model/build-problem.js';
import { loadDefaultCatalog } from '../src/pack/model/catalog-load.js';
import { solvePacking } from '../src/pack/solve/solver.js';
import { intCost, type Problem } from '../src/pack/model/problem.js';
import { FLEET_SHAPES, realisticProfiles } from './realistic-profiles.js';

const GB = 1e9;
const args = process.argv.slice(2);
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const only = flag('--only') ? new RegExp(flag('--only')!) : null;
const seconds = Number(flag('--seconds') ?? 300);
const solverSeconds = Number(flag('--solver-seconds') ?? 30);
const g = await GLPK();

type Term = { name: string; coef: number };

/** The exact model with every plan costing at most `cap` (integer cost units) feasible. */
function exactModel(p: Problem, cap: number): LP {
  const rows: LP['subjectTo'] = [];
  const own = p.items.map(() => [] as Term[]);
  const objective: Term[] = [];
  const ints: string[] = [];
  const bnds: NonNullable<LP['bounds']> = [];
  const copies = p.items.reduce((a, it) => a + it.demand, 0);
  p.bins.forEach((b, t) => {
    const slots = Math.min(copies, Math.floor(cap / intCost(p, t)));
    for (let j = 0; j < slots; j++) {
      const y = `y${t}_${j}`;
      objective.push({ name: y, coef: intCost(p, t) });
      ints.push(y);
      bnds.push({ name: y, type: g.GLP_DB, lb: 0, ub: 1 });
      if (j > 0) rows.push({ name: `o${t}_${j}`, vars: [{ name: `y${t}_${j - 1}`, coef: 1 }, { name: y, coef: -1 }], bnds: { type: g.GLP_LO, lb: 0, ub: 0 } });
      const inst = b.instCap.map(() => [] as Term[]);
      for (let k = 0; k < b.procs; k++) {
        const proc = b.procCap.map(() => [] as Term[]);
        p.items.forEach((it, i) => {
          const s = it.sizes[t];
          if (!s) return;
          const x = `x${i}_${t}_${j}_${k}`;
          ints.push(x);
          bnds.push({ name: x, type: g.GLP_DB, lb: 0, ub: Math.min(it.demand, it.maxPerBin) });
          own[i]!.push({ name: x, coef: 1 });
          s.proc.forEach((v, d) => v > 0 && proc[d]!.push({ name: x, coef: v / b.procCap[d]! }));
          s.inst.forEach((v, d) => v > 0 && inst[d]!.push({ name: x, coef: v / b.instCap[d]! }));
        });
        proc.forEach((v, d) => v.length && rows.push({ name: `p${t}_${j}_${k}_${d}`, vars: [...v, { name: y, coef: -1 }], bnds: { type: g.GLP_UP, lb: 0, ub: 0 } }));
      }
      inst.forEach((v, d) => v.length && rows.push({ name: `h${t}_${j}_${d}`, vars: [...v, { name: y, coef: -1 }], bnds: { type: g.GLP_UP, lb: 0, ub: 0 } }));
      p.items.forEach((it, i) => {
        if (!it.sizes[t] || it.maxPerBin >= it.demand) return;
        const vars = Array.from({ length: b.procs }, (_, k) => ({ name: `x${i}_${t}_${j}_${k}`, coef: 1 }));
        rows.push({ name: `m${i}_${t}_${j}`, vars: [...vars, { name: y, coef: -it.maxPerBin }], bnds: { type: g.GLP_UP, lb: 0, ub: 0 } });
      });
    }
  });
  own.forEach((v, i) => rows.push({ name: `a${i}`, vars: v, bnds: { type: g.GLP_FX, lb: p.items[i]!.demand, ub: p.items[i]!.demand } }));
  return { name: 'exact', objective: { direction: g.GLP_MIN, name: 'cost', vars: objective }, subjectTo: rows, bounds: bnds, generals: ints };
}

/** CBC on the model: the optimum (integer cost units) when proven, else null. */
function cbc(lp: string): { value: number | null; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mls-exact-'));
  try {
    writeFileSync(join(dir, 'm.lp'), lp);
    const log = execFileSync('cbc', [join(dir, 'm.lp'), 'sec', String(seconds), 'solve', 'solu', join(dir, 'sol.txt')], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const head = readFileSync(join(dir, 'sol.txt'), 'utf8').split('\n')[0] ?? '';
    const m = /^Optimal - objective value\s+([\d.]+)/.exec(head);
    return { value: m ? Number(m[1]) : null, log: `${head} | ${log.split('\n').filter((l) => /^Result|^Objective value|Partial search|Search completed/.test(l.trim())).join(' | ')}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const catalog = await loadDefaultCatalog();
for (const shape of FLEET_SHAPES) {
  for (const seed of [1, 2, 3]) {
    const name = `e: realistic ${shape === 'base' ? '' : `${shape} `}50 models (seed ${seed}), whole catalog`;
    if (only && !only.test(name)) continue;
    const p = buildProblem({ catalog, profiles: realisticProfiles(catalog, 50, seed, shape), maxMemory: 7.4 * GB, maxUtil: 83, objective: 'cost' });
    const r = await solvePacking(p, { timeLimitMs: solverSeconds * 1000 });
    const started = Date.now();
    const out = cbc(await g.write(exactModel(p, Math.round(r.objectiveValue * 1000))));
    const exact = out.value === null ? 'not proven' : (out.value / 1000).toFixed(3);
    console.log(`${name}: mlserve ${r.objectiveValue.toFixed(3)} (bound ${r.lowerBound.toFixed(3)}${r.optimal ? ', optimal' : ''}), CBC optimum ${exact} in ${((Date.now() - started) / 1000).toFixed(1)} s [${out.log}]`);
  }
}
