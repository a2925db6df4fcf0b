// Which tensors to feed a model: from its input metadata, --shape overrides and an optional
// --example. The plan is plain JSON so that the measuring child process builds the very same feeds.
import type { InferenceSession } from 'onnxruntime-node';
import { MlsError } from '../errors.js';
import type { ExampleTensor } from './example-file.js';

export const SUPPORTED_TYPES = ['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool'] as const;
export type InputType = (typeof SUPPORTED_TYPES)[number];

export interface InputPlan {
  name: string;
  type: InputType;
  /** Shape of one example (leading dimension 1 when the input is batched). */
  shape: number[];
  /** True when the model's leading dimension is free, so the input takes any batch size. */
  batched: boolean;
  /** Values given by --example (one or more rows along the leading dimension); generated when absent. */
  example?: ExampleTensor;
}

/** Parses `name=1x3x224x224` (repeatable --shape). */
export function parseShapeArg(text: string): [string, number[]] {
  const m = /^([^=]+)=(\d+(?:x\d+)*)$/.exec(text.trim());
  const dims = m ? m[2]!.split('x').map(Number) : [];
  if (!m || dims.some((d) => d < 1)) {
    throw new MlsError('MLS_ERR_TRACE_BAD_SHAPE', { notNameDims: { text } });
  }
  return [m[1]!.trim(), dims];
}

function isFree(d: number | string | undefined): boolean {
  return typeof d !== 'number' || d < 1;
}

function checkNames(model: string, metadata: readonly InferenceSession.ValueMetadata[], shapes: Record<string, number[]>, example?: Record<string, ExampleTensor>): void {
  for (const name of [...Object.keys(shapes), ...Object.keys(example ?? {})]) {
    if (!metadata.some((m) => m.name === name)) {
      const known = metadata.map((m) => m.name).join(', ');
      const code = name in shapes ? 'MLS_ERR_TRACE_BAD_SHAPE' : 'MLS_ERR_TRACE_BAD_EXAMPLE';
      throw new MlsError(code, { noSuchInput: { model, name, known } }, { details: { model, input: name } });
    }
  }
}

/**
 * Builds the input plan. Free dimensions other than a leading batch dimension need a --shape (or an
 * example that fixes them); fixed dimensions must match what the user gives.
 */
export function planInputs(
  model: string,
  metadata: readonly InferenceSession.ValueMetadata[],
  shapes: Record<string, number[]>,
  example: Record<string, ExampleTensor> | undefined,
  strictNames = true,
): InputPlan[] {
  if (strictNames) checkNames(model, metadata, shapes, example);
  return metadata.map((meta) => {
    if (!meta.isTensor || !(SUPPORTED_TYPES as readonly string[]).includes(meta.type)) {
      throw new MlsError('MLS_ERR_TRACE_UNSUPPORTED_INPUT', meta.isTensor ? { type: { model, name: meta.name, type: meta.type } } : { notTensor: { model, name: meta.name } }, { details: { model, input: meta.name } });
    }
    const declared = meta.shape;
    const batched = declared.length > 0 && isFree(declared[0]);
    const ex = example?.[meta.name];
    const given = ex?.dims ?? shapes[meta.name];
    const code = ex ? 'MLS_ERR_TRACE_BAD_EXAMPLE' : 'MLS_ERR_TRACE_BAD_SHAPE';
    const details = { model, input: meta.name, shape: declared };
    let shape: number[];
    if (given) {
      if (declared.length > 0 && given.length !== declared.length) {
        throw new MlsError(code, { rankMismatch: { model, input: meta.name, rank: declared.length, declared: declared.join(', '), given: given.length } }, { details });
      }
      declared.forEach((d, i) => {
        if (!isFree(d) && given[i] !== d) {
          throw new MlsError(code, { fixedDim: { model, input: meta.name, i, d, given: given[i]! } }, { details });
        }
      });
      shape = batched ? [1, ...given.slice(1)] : [...given];
    } else {
      const free = declared.map((d, i) => (i > 0 && isFree(d) ? `${i} (${String(d) || '?'})` : '')).filter(Boolean);
      if (free.length > 0) {
        throw new MlsError('MLS_ERR_TRACE_FREE_DIMS', { model, name: meta.name, declared: declared.join(', '), free: free.join(', ') }, { details });
      }
      shape = declared.map((d) => (isFree(d) ? 1 : (d as number)));
    }
    const plan: InputPlan = { name: meta.name, type: meta.type as InputType, shape, batched };
    if (ex) plan.example = ex;
    return plan;
  });
}

/** The shape fed at a batch size: the leading dimension becomes the batch when the input is batched. */
export function shapeAtBatch(plan: InputPlan, batch: number): number[] {
  return plan.batched ? [batch, ...plan.shape.slice(1)] : plan.shape;
}

/** The batch size a model can actually take: 1 when some input has a fixed leading dimension. */
export function effectiveBatch(plans: InputPlan[], batch: number): number {
  return plans.length > 0 && plans.every((p) => p.batched) ? batch : 1;
}
