// onnxruntime-node as every mlserve module uses it: float16 tensors hold IEEE half bits in
// Uint16Arrays, in and out, on every Node.
//
// Why: onnxruntime-common picks Float16Array for float16 data wherever that global exists (Node 24
// has it) and turns a Uint16Array into a Float16Array view, but the native binding does not read
// Float16Array (it sees 0 bytes: "not enough space: expected 8, got 0") and answers with Uint16Array
// bits anyway. The choice is made once, at the first Tensor construction, so the global is hidden
// for that one construction only.
import * as ort from 'onnxruntime-node';

const g = globalThis as { Float16Array?: unknown };
const float16Array = g.Float16Array;
if (float16Array !== undefined) {
  g.Float16Array = undefined;
  try {
    new ort.Tensor('float32', new Float32Array(1), [1]);
  } finally {
    g.Float16Array = float16Array;
  }
}

export default ort;
