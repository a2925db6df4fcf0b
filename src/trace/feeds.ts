// Tensors fed to a model while tracing. Generated values are deterministic (a seeded generator) so
// that the checking process and the measuring process feed the same data.
import ort from '../onnxruntime.js';
import type { InputPlan, InputType } from './input-plan.js';
import { shapeAtBatch } from './input-plan.js';

type Feeds = Record<string, ort.Tensor>;

function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Generated values: floats uniform in [0, 1) (an image or embedding scale), integers 0 or 1 (valid
 * token ids and attention-mask values for any vocabulary), booleans alternating.
 */
function generated(type: InputType, count: number, seed: number): number[] {
  const next = generator(seed);
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const r = next();
    out[i] = type.startsWith('float') ? r : type === 'bool' ? i % 2 : r < 0.5 ? 0 : 1;
  }
  return out;
}

const NUMBER_ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array, // onnxruntime takes booleans as one byte each
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
} as const;

function typed(type: InputType, values: number[]): ort.Tensor['data'] {
  if (type === 'int64') return BigInt64Array.from(values, (v) => BigInt(Math.trunc(v)));
  if (type === 'uint64') return BigUint64Array.from(values, (v) => BigInt(Math.trunc(v)));
  return NUMBER_ARRAYS[type].from(values);
}

/** Values of one input at a batch size: example rows repeated cyclically, or generated. */
function valuesAt(plan: InputPlan, shape: number[], index: number): number[] {
  const count = shape.reduce((a, b) => a * b, 1);
  const ex = plan.example;
  if (!ex) return generated(plan.type, count, 1 + index);
  if (!plan.batched) return ex.data.slice(0, count);
  const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
  const rows = Math.max(1, ex.dims[0] ?? 1);
  const out: number[] = [];
  for (let r = 0; r < (shape[0] ?? 1); r++) {
    const from = (r % rows) * rowSize;
    for (let i = 0; i < rowSize; i++) out.push(ex.data[from + i]!);
  }
  return out;
}

export function makeFeeds(plans: InputPlan[], batch: number): Feeds {
  const feeds: Feeds = {};
  plans.forEach((plan, index) => {
    const shape = shapeAtBatch(plan, batch);
    feeds[plan.name] = new ort.Tensor(plan.type, typed(plan.type, valuesAt(plan, shape, index)), shape);
  });
  return feeds;
}
