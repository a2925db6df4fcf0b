// Which kind of worker process runs a model: Node (onnxruntime-node, the JS built-ins and
// JavaScript handlers) or Python (TorchServe's handler contract: .py handlers, and TorchServe's
// built-in handlers over torch models). The rule follows the handler, then the serialized file.
import { handlerKindOf } from '../../archive/manifest.js';

export type WorkerKind = 'node' | 'python';

/** Built-ins the Node worker implements over ONNX models (load-handler.ts). */
const NODE_BUILTINS = new Set(['base_handler', 'base', 'image_classifier']);

export function workerKindFor(handler: string, serializedFile: string | undefined): WorkerKind {
  if (NODE_BUILTINS.has(handler) && serializedFile?.endsWith('.onnx')) return 'node';
  if (handler === 'base') return 'python';
  return handlerKindOf(handler) === 'javascript' ? 'node' : 'python';
}
