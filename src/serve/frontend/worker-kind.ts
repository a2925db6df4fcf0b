// Which kind of worker process runs a model: Node (onnxruntime-node, the JS built-ins and
// JavaScript handlers) or Python (TorchServe's handler contract: .py handlers, and TorchServe's
// built-in handlers over torch models). The rule follows the handler, then the serialized file.
import { handlerKindOf } from '../../archive/manifest.js';

export type WorkerKind = 'node' | 'python';

/** What torch-model-archiver packs as a torch model: TorchScript or a state dict (.pt, .pth, .bin, .ckpt). */
const TORCH_FILE = /\.(?:pt|pth|bin|ckpt)$/i;

export function workerKindFor(handler: string, serializedFile: string | undefined): WorkerKind {
  const kind = handler === 'base' ? 'builtin' : handlerKindOf(handler);
  if (kind === 'javascript') return 'node';
  if (kind === 'python') return 'python';
  // A built-in name: TorchServe's (Python, ts.torch_handler) over a torch model or none; over
  // anything else the Node built-ins, which take ONNX models (others are refused as not ONNX).
  return !serializedFile || TORCH_FILE.test(serializedFile) ? 'python' : 'node';
}
