import type { ErrorSpec } from '../errors.js';

// Codes of the pack area. Add new codes here; tests assert codes, not wording.
export const packErrors = {
  MLS_ERR_PACK_MODEL_TOO_LARGE: {
    exit: 3,
    hint: 'The model does not fit on one processor of any allowed instance type under the caps: raise --max-mem/--max-util, allow bigger instance types, or shrink the model.',
  },
  MLS_ERR_PACK_NO_INSTANCE_TYPES: {
    exit: 2,
    hint: 'Pass --instance-types with at least one type of the catalog whose family the profiles describe.',
  },
  MLS_ERR_PACK_UNKNOWN_INSTANCE_TYPE: {
    exit: 2,
    hint: 'Use a type listed in the catalog (src/pack/default-catalog.yaml, or your --catalog file), or add it with --catalog.',
  },
  MLS_ERR_PACK_CAP_ABOVE_CAPACITY: {
    exit: 2,
    hint: 'A cap cannot exceed the hardware: lower --max-mem/--max-util or drop that instance type.',
  },
  MLS_ERR_PACK_NO_MODELS: { exit: 3, hint: 'The profiles file lists no models: run mlserve trace first.' },
  MLS_ERR_PACK_DUPLICATE_MODEL: { exit: 3, hint: 'Model names must be unique in profiles.yaml (use replicas: N for copies).' },
  MLS_ERR_PACK_NO_SPOT_OFFER: {
    exit: 2,
    hint: 'Give the instance types a `spot: { pricePerHour, interruption }` entry (and zones) in a --catalog file, or pack without --spot.',
  },
  MLS_ERR_PACK_SPOT_ZONES: {
    exit: 2,
    hint: 'Surviving N pool interruptions needs spot pools in N + 1 availability zones: list more zones under `spot.zones` in a --catalog file, or lower --survive.',
  },
  MLS_ERR_PACK_SOLVER: { exit: 70, hint: 'The solver failed unexpectedly; the greedy plan was not written. Please report it.' },
} satisfies Record<string, ErrorSpec>;
