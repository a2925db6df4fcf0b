// Checks on what a model returns while tracing: every value finite, and the optimized model's
// outputs equal to the original's within tolerance (numpy.allclose: |a − b| ≤ atol + rtol·|b|).
import type ort from 'onnxruntime-node';
import { MlsError } from '../errors.js';

export const DEFAULT_TOLERANCE = 1e-5;

type Outputs = Record<string, ort.OnnxValue>;

function numbers(value: ort.OnnxValue): ArrayLike<number | bigint> | undefined {
  const data = (value as ort.Tensor).data as unknown;
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) return data as unknown as ArrayLike<number | bigint>;
  return undefined;
}

/** Throws MLS_ERR_TRACE_NON_FINITE naming the model and output holding a NaN or infinity. */
export function assertFinite(model: string, outputs: Outputs, what: string): void {
  for (const [name, value] of Object.entries(outputs)) {
    const data = numbers(value);
    if (!data || typeof data[0] === 'bigint') continue;
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (!Number.isFinite(v)) {
        throw new MlsError('MLS_ERR_TRACE_NON_FINITE', { model, name, what, v, i }, {
          details: { model, output: name, index: i },
        });
      }
    }
  }
}

/** Largest |a − b| over all outputs; throws MLS_ERR_TRACE_OPTIMIZED_MISMATCH beyond tolerance. */
export function compareOutputs(model: string, original: Outputs, optimized: Outputs, tolerance = DEFAULT_TOLERANCE): number {
  let maxAbsDiff = 0;
  for (const [name, value] of Object.entries(original)) {
    const a = numbers(value);
    const other = optimized[name];
    const b = other ? numbers(other) : undefined;
    if (!a || !b || a.length !== b.length) {
      throw new MlsError('MLS_ERR_TRACE_OPTIMIZED_MISMATCH', { shape: { model, name } }, { details: { model, output: name } });
    }
    for (let i = 0; i < a.length; i++) {
      const x = Number(a[i]);
      const y = Number(b[i]);
      const diff = Math.abs(x - y);
      maxAbsDiff = Math.max(maxAbsDiff, diff);
      if (diff > tolerance + tolerance * Math.abs(x)) {
        throw new MlsError('MLS_ERR_TRACE_OPTIMIZED_MISMATCH', { value: { model, name, i, y, x, tolerance } }, {
          details: { model, output: name, index: i, original: x, optimized: y },
        });
      }
    }
  }
  return maxAbsDiff;
}
