// Whether `mlserve serve` can run an archive's handler over its serialized file. `mlserve archive`
// writes TorchServe archives, so it accepts every TorchServe handler; but an archive that mlserve's
// own server will refuse at registration deserves a warning when it is made, not a 500 later.
// One rule, in one function: the Python-worker work widens what runs by editing it.
import { BUILTIN_HANDLERS, handlerKindOf } from './manifest.js';

/** Built-in handler names mlserve's node workers implement over ONNX (serve/handlers/load-handler.ts). */
export const SERVE_ONNX_BUILTINS: readonly string[] = ['base_handler', 'image_classifier'];

/**
 * Why `mlserve serve` will refuse this handler for this serialized file, or undefined when it runs
 * it (or when that is for the model's Python code to decide).
 */
export function serveRefusal(handler: string, serializedFile: string | undefined): string | undefined {
  const onnx = serializedFile !== undefined && /\.onnx$/i.test(serializedFile);
  const kind = handlerKindOf(handler);
  if (kind === 'builtin' && onnx && BUILTIN_HANDLERS.includes(handler) && !SERVE_ONNX_BUILTINS.includes(handler)) {
    return `mlserve serve runs ${SERVE_ONNX_BUILTINS.join(' and ')} over ONNX files, not ${handler}: it will refuse this archive at registration (TorchServe runs it). Use image_classifier or base_handler, or a handler file of your own.`;
  }
  if (kind === 'javascript' && !onnx) {
    return `JavaScript handlers run over an ONNX model in mlserve serve; ${serializedFile ?? 'no serialized file'} is not one, so serve will refuse this archive at registration.`;
  }
  return undefined;
}
