// The assignment MIP that closes small gaps: every model copy on one (instance slot, processor),
// instance slots per type limited to what a cheaper plan could use, symmetry broken (copies in
// decreasing size; copy c only in the first c+1 slots of a type and processors of a slot; slots
// of a type opened in order) and the objective capped below the incumbent. Infeasible means the
// incumbent is optimal; an optimal answer is a better plan, proven optimal.
import type { GLPK, LP } from 'glpk.js/node';
import { intCost, type Problem, type Solution } from '../model/problem.js';

export const ASSIGNMENT_MAX_VARS = 4000;

interface Slot {
  type: number;
  index: number; // j-th slot of its type
}

function copiesOf(p: Problem): number[] {
  const key = (i: number) => Math.max(...p.items[i]!.sizes.map((s, t) => (s ? Math.max(...s.proc.map((v, d) => v / (p.bins[t]!.procCap[d] || 1))) : 0)));
  const copies = p.items.flatMap((it, i) => new Array<number>(it.demand).fill(i));
  return copies.sort((a, b) => key(b) - key(a) || a - b);
}


function slotsBelow(p: Problem, incumbent: number, copies: number): Slot[] {
  const slots: Slot[] = [];
  p.bins.forEach((_, t) => {
    const n = Math.min(copies, Math.floor((incumbent - 1) / intCost(p, t)));
    for (let j = 0; j < n; j++) slots.push({ type: t, index: j });
  });
  return slots;
}

/** Variables the model would have; callers skip it when too large for GLPK to close. */
export function assignmentSize(p: Problem, incumbentCost: number): number {
  const copies = copiesOf(p).length;
  const inc = p.objective === 'count' ? Math.round(incumbentCost) : Math.round(incumbentCost * 1000);
  return slotsBelow(p, inc, copies).reduce((a, s) => a + Math.min(copies, copies - s.index) * p.bins[s.type]!.procs, 0);
}

export type AssignmentOutcome = { kind: 'better'; solution: Solution; proven: boolean } | { kind: 'none-better'; proven: boolean };

export function solveAssignment(g: GLPK, p: Problem, incumbentCost: number, seconds: number): AssignmentOutcome {
  const copies = copiesOf(p);
  const inc = p.objective === 'count' ? Math.round(incumbentCost) : Math.round(incumbentCost * 1000);
  const slots = slotsBelow(p, inc, copies.length);
  if (slots.length === 0) return { kind: 'none-better', proven: true };
  const vars: string[] = [];
  const rows: LP['subjectTo'] = [];
  const assign = copies.map(() => [] as Array<{ name: string; coef: number }>);
  slots.forEach((sl, s) => {
    const bt = p.bins[sl.type]!;
    const y = `y${s}`;
    const link: Array<{ name: string; coef: number }> = [{ name: y, coef: -copies.length }];
    const procRows = Array.from({ length: bt.procs }, () => bt.procCap.map(() => [] as Array<{ name: string; coef: number }>));
    const instRows = bt.instCap.map(() => [] as Array<{ name: string; coef: number }>);
    const perItem = new Map<number, Array<{ name: string; coef: number }>>();
    copies.forEach((i, c) => {
      const size = p.items[i]!.sizes[sl.type];
      if (!size || sl.index > c) return;
      for (let k = 0; k < bt.procs && k <= c; k++) {
        const x = `x${c}_${s}_${k}`;
        vars.push(x);
        assign[c]!.push({ name: x, coef: 1 });
        link.push({ name: x, coef: 1 });
        size.proc.forEach((v, d) => v > 0 && procRows[k]![d]!.push({ name: x, coef: v / bt.procCap[d]! }));
        size.inst.forEach((v, d) => v > 0 && instRows[d]!.push({ name: x, coef: v / (bt.instCap[d] || 1) }));
        if (p.items[i]!.maxPerBin < p.items[i]!.demand) perItem.set(i, [...(perItem.get(i) ?? []), { name: x, coef: 1 }]);
      }
    });
    rows.push({ name: `link${s}`, vars: link, bnds: { type: g.GLP_UP, lb: 0, ub: 0 } });
    procRows.forEach((dims, k) => dims.forEach((v, d) => v.length && rows.push({ name: `p${s}_${k}_${d}`, vars: [...v, { name: y, coef: -1 }], bnds: { type: g.GLP_UP, lb: 0, ub: 0 } })));
    instRows.forEach((v, d) => v.length && rows.push({ name: `h${s}_${d}`, vars: [...v, { name: y, coef: -1 }], bnds: { type: g.GLP_UP, lb: 0, ub: 0 } }));
    for (const [i, v] of perItem) rows.push({ name: `r${s}_${i}`, vars: v, bnds: { type: g.GLP_UP, lb: 0, ub: p.items[i]!.maxPerBin } });
    const prev = slots[s - 1];
    if (prev && prev.type === sl.type) rows.push({ name: `o${s}`, vars: [{ name: `y${s - 1}`, coef: 1 }, { name: y, coef: -1 }], bnds: { type: g.GLP_LO, lb: 0, ub: 0 } });
  });
  assign.forEach((v, c) => rows.push({ name: `a${c}`, vars: v, bnds: { type: g.GLP_FX, lb: 1, ub: 1 } }));
  const objective = slots.map((sl, s) => ({ name: `y${s}`, coef: intCost(p, sl.type) }));
  rows.push({ name: 'cutoff', vars: objective, bnds: { type: g.GLP_UP, lb: 0, ub: inc - 1 } });
  const lp: LP = {
    name: 'assignment',
    objective: { direction: g.GLP_MIN, name: 'cost', vars: objective },
    subjectTo: rows,
    binaries: [...vars, ...slots.map((_, s) => `y${s}`)],
  };
  const r = g.solve(lp, { msglev: g.GLP_MSG_OFF, tmlim: Math.max(1, Math.floor(seconds)) });
  if (r.result.status === g.GLP_NOFEAS) return { kind: 'none-better', proven: true };
  if (r.result.status !== g.GLP_OPT && r.result.status !== g.GLP_FEAS) return { kind: 'none-better', proven: false };
  const bins = slots.map((sl) => ({ type: sl.type, procs: Array.from({ length: p.bins[sl.type]!.procs }, () => [] as number[]) }));
  copies.forEach((i, c) => {
    for (const { name } of assign[c]!) {
      if ((r.result.vars[name] ?? 0) > 0.5) {
        const [, s, k] = name.slice(1).split('_').map(Number);
        bins[s!]!.procs[k!]!.push(i);
      }
    }
  });
  const used = bins.map((b) => ({ type: b.type, procs: b.procs.filter((x) => x.length) })).filter((b) => b.procs.length);
  return { kind: 'better', solution: { bins: used }, proven: r.result.status === g.GLP_OPT };
}
