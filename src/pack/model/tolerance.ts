// The one tolerance of the solver's float comparisons. Sizes are bytes (10⁹) and percentages
// (10²) and costs are $/h with three decimals, so a relative-and-absolute 1e-9 separates "full"
// from "over" and "cheaper" from "the same" on every scale the problems have, and GLPK's LP
// values (exact to about 1e-9 relative) never make a bound cross a plan's cost.
export const EPS = 1e-9;
