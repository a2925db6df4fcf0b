// The solver's float tolerances, each in one place.

/**
 * The tolerance of the solver's float comparisons. Sizes are bytes (10⁹) and percentages (10²)
 * and costs are $/h with three decimals, so a relative-and-absolute 1e-9 separates "full" from
 * "over" and "cheaper" from "the same" on every scale the problems have, and GLPK's LP values
 * (exact to about 1e-9 relative) never make a bound cross a plan's cost.
 */
export const EPS = 1e-9;

/**
 * The rounding noise of a few float additions, tighter than EPS on purpose: used where two
 * computations of one quantity must compare equal (a type's capacity against another's, the
 * evenness score of two plans of one cost) without merging values that really differ, and as the
 * smallest divisor where a ratio's denominator can be zero.
 */
export const NOISE = 1e-12;

/**
 * How far an LP solution's value may sit from the integer it stands for: GLPK's simplex is
 * primal-feasible to about 1e-7, so a column at 0.9999997 is used once and a bound of 41.0000004
 * instances is 41 (looser than EPS on purpose: EPS would round such a bound up to 42).
 */
export const LP_TOL = 1e-6;
