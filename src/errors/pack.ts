import { EXIT, variants, type Arg, type ErrorSpec } from './spec.js';

// Codes of the pack area. Add new codes here; tests assert codes, not wording.
export const packErrors = {
  MLS_ERR_PACK_MODEL_TOO_LARGE: {
    message: variants({
      noProfile: (a: { name: Arg; types: Arg }) => `model "${a.name}" has no profile for the families of ${a.types}`,
      doesNotFit: (a: { name: Arg; types: Arg }) => `model "${a.name}" does not fit one processor of ${a.types} under the caps`,
    }),
    exit: EXIT.input,
    hint: 'The model does not fit on one processor of any allowed instance type under the caps: raise --max-mem/--max-util, allow bigger instance types, or shrink the model.',
  },
  MLS_ERR_PACK_NO_INSTANCE_TYPES: {
    message: variants({
      emptyList: () => `--instance-types lists no instance type`,
      noneFit: (a: { families: Arg }) => `no catalog instance type has a family the profiles describe (${a.families}) and room for the caps`,
    }),
    exit: EXIT.usage,
    hint: 'Pass --instance-types with at least one type of the catalog whose family the profiles describe.',
  },
  MLS_ERR_PACK_UNKNOWN_INSTANCE_TYPE: {
    message: (a: { name: Arg; known: Arg }) => `unknown instance type "${a.name}" (catalog has ${a.known})`,
    exit: EXIT.usage,
    hint: 'Use a type listed in the catalog (src/pack/default-catalog.yaml, or your --catalog file), or add it with --catalog.',
  },
  MLS_ERR_PACK_CAP_ABOVE_CAPACITY: {
    message: (a: { maxMemory: Arg; processorMemory: Arg; name: Arg }) => `--max-mem ${a.maxMemory} is above the ${a.processorMemory} of one ${a.name} processor`,
    exit: EXIT.usage,
    hint: 'A cap cannot exceed the hardware: lower --max-mem/--max-util or drop that instance type.',
  },
  MLS_ERR_PACK_NO_MODELS: {
    message: () => `profiles list no models`,
    exit: EXIT.input,
    hint: 'The profiles file lists no models: run mlserve trace first.',
  },
  MLS_ERR_PACK_DUPLICATE_MODEL: {
    message: (a: { name: Arg }) => `model "${a.name}" appears twice in the profiles`,
    exit: EXIT.input,
    hint: 'Model names must be unique in profiles.yaml (use replicas: N for copies).',
  },
  MLS_ERR_PACK_NO_SPOT_OFFER: {
    message: (a: { bins: Arg }) => `no instance type in use (${a.bins}) has a spot price and zones in the catalog`,
    exit: EXIT.usage,
    hint: 'Give the instance types a `spot: { pricePerHour, interruption }` entry (and zones) in a --catalog file, or pack without --spot.',
  },
  MLS_ERR_PACK_SPOT_ZONES: {
    message: (a: { survive: Arg; survive2: Arg; zonesCount: Arg; zones: Arg }) => `--survive ${a.survive} needs spot pools in ${a.survive2} zones; the catalog lists ${a.zonesCount} (${a.zones})`,
    exit: EXIT.usage,
    hint: 'Surviving N pool interruptions needs spot pools in N + 1 availability zones: list more zones under `spot.zones` in a --catalog file, or lower --survive.',
  },
  MLS_ERR_PACK_SOLVER: {
    message: variants({
      infeasiblePlan: (a: { violation: Arg }) => `the solver produced an infeasible plan: ${a.violation}`,
      lpStatus: (a: { lp: Arg; status: Arg }) => `${a.lp}: glpk status ${a.status}`,
    }),
    exit: EXIT.internal,
    hint: 'The solver failed unexpectedly; the greedy plan was not written. Please report it.' },
} satisfies Record<string, ErrorSpec>;
