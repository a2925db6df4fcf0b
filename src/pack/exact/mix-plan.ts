// A plan on the cheapest mix of instance types the instance-mix bound found: the exact assignment
// MIP on those types alone, capped at the bound's cost. Models that nearly fill their instances
// (50 models summing to 4,314 of the 4,316 % util that c5.9xlarge + c5.4xlarge hold) defeat the
// local search, which stays one c5.large above; on a couple of types the MIP is small and finds
// the plan at the bound (0.8 s), which proves it optimal.
import type { GLPK } from 'glpk.js/node';
import { ASSIGNMENT_MAX_VARS, assignmentSize, solveAssignment } from './assignment.js';
import { restrictTypes } from '../model/dominance.js';
import { fitsEmpty, type Problem, type Solution } from '../model/problem.js';

/** A plan costing at most `bound` on the types of `mix`, or null (none found, which proves nothing). */
export function planOnMix(g: GLPK, p: Problem, mix: number[], bound: number, seconds: number): Solution | null {
  const types = mix.flatMap((n, t) => (n > 0 ? [t] : []));
  const q = restrictTypes(p, types);
  if (!q.items.every((it) => q.bins.some((_, t) => fitsEmpty(q, it, t)))) return null;
  // the MIP's objective is capped one unit below what it is given: the bound itself is allowed
  const cap = bound + (p.objective === 'count' ? 1 : 0.001);
  if (assignmentSize(q, cap) > ASSIGNMENT_MAX_VARS) return null;
  const out = solveAssignment(g, q, cap, seconds);
  if (out.kind !== 'better') return null;
  return { bins: out.solution.bins.map((b) => ({ ...b, type: types[b.type]! })) };
}
