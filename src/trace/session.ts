// Opening a model in onnxruntime-node with the options tracing uses, and turning its failures into
// coded errors that name the model (onnxruntime's own messages carry C++ source paths).
import ort from '../onnxruntime.js';
import { MlsError } from '../errors.js';

export type Processor = 'cpu' | 'gpu' | 'inf';
export const PROCESSORS: readonly Processor[] = ['cpu', 'gpu', 'inf'];

export type SavedLevel = 'extended' | 'basic';

/**
 * Graph optimizations saved into the optimized model, per target (only the CPU execution provider
 * exists here, so every target is optimized with it):
 * - cpu: "extended": fusions into onnxruntime's CPU contrib operators (FusedConv,
 *   SkipLayerNormalization, ...), which every onnxruntime CPU build has. Not "all": its NCHWc
 *   layout is specific to the CPU it ran on (its vector width), and the model ships to other hosts.
 * - gpu, inf: "basic": standard ONNX operators only (BatchNorm folded into Conv, MatMul+Add into
 *   Gemm, constants folded), which the target's provider or compiler (CUDA/TensorRT, Neuron) takes.
 * The server loads any model with level "all", which adds the rest for the host it runs on;
 * trace measures the saved model the same way.
 */
export function savedOptimizationLevel(processor: Processor): SavedLevel {
  return processor === 'cpu' ? 'extended' : 'basic';
}

/** The level `mlserve serve` opens models with (src/serve/worker/model-host.ts). */
export const SERVING_LEVEL = 'all';

export interface SessionSettings {
  level: 'disabled' | 'basic' | 'extended' | 'all';
  /** Intra-op threads; 1 makes latency and busy time those of one core. */
  threads: number;
  optimizedModelFilePath?: string;
  /** trace --processor gpu on a machine with a GPU: onnxruntime's CUDA provider (device-trace.ts). */
  executionProviders?: Array<{ name: 'cuda'; deviceId: number }>;
}

/** The reason in onnxruntime's message, without the C++ function signature in front of it. */
function reason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/^\/onnxruntime_src\/\S+ [^)]*\)\s*/, '').trim();
}

export function loadError(model: string, e: unknown): MlsError {
  const why = reason(e);
  const details = { model, reason: why };
  if (/protobuf parsing failed|data pointer is null|No graph was found|model_proto|Invalid model/i.test(why)) {
    return new MlsError('MLS_ERR_TRACE_NOT_ONNX', { model, why }, { details, cause: e });
  }
  if (/opset/i.test(why)) {
    return new MlsError('MLS_ERR_TRACE_UNSUPPORTED_OPSET', { model, why }, { details, cause: e });
  }
  return new MlsError('MLS_ERR_TRACE_MODEL_LOAD', { load: { model, why } }, { details, cause: e });
}

export async function openSession(model: string, path: string, s: SessionSettings): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(path, {
      graphOptimizationLevel: s.level,
      intraOpNumThreads: s.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      // Warnings (e.g. "optimized for this hardware") would clutter the progress display.
      logSeverityLevel: 3,
      ...(s.optimizedModelFilePath ? { optimizedModelFilePath: s.optimizedModelFilePath } : {}),
      ...(s.executionProviders ? { executionProviders: s.executionProviders } : {}),
    });
  } catch (e) {
    throw loadError(model, e);
  }
}

export async function runSession(model: string, session: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
  try {
    return await session.run(feeds);
  } catch (e) {
    throw new MlsError('MLS_ERR_TRACE_MODEL_LOAD', { run: { model, reason: reason(e) } }, { details: { model, reason: reason(e) }, cause: e });
  }
}
