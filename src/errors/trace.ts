import type { ErrorSpec } from '../errors.js';

// Codes of the trace area. Add new codes here; tests assert codes, not wording.
export const traceErrors = {
  MLS_ERR_TRACE_NOT_ONNX: {
    exit: 3,
    hint: 'Pass an ONNX model (.onnx) or a model archive (.mar, .tar.gz or folder) whose serialized file is one.',
  },
  MLS_ERR_TRACE_UNSUPPORTED_OPSET: {
    exit: 3,
    hint: 'Re-export the model with an operator set onnxruntime supports (ai.onnx 7 up to the version named in the message).',
  },
  MLS_ERR_TRACE_MODEL_LOAD: {
    exit: 3,
    hint: 'onnxruntime could not load or run the model; check that it was exported correctly (the message gives its reason).',
  },
  MLS_ERR_TRACE_FREE_DIMS: {
    exit: 2,
    hint: 'Give the input a concrete shape with --shape name=1x3x224x224 (the leading batch dimension may stay free), or pass --example.',
  },
  MLS_ERR_TRACE_BAD_SHAPE: {
    exit: 2,
    hint: 'Write shapes as name=1x3x224x224: the input name, then positive dimensions joined by x, matching the model\'s fixed dimensions.',
  },
  MLS_ERR_TRACE_BAD_EXAMPLE: {
    exit: 3,
    hint: 'The --example file is JSON naming every model input: {"input": [[...]]} or {"input": {"dims": [1, 4], "data": [...]}} or a KServe v2 request {"inputs": [...]}.',
  },
  MLS_ERR_TRACE_UNSUPPORTED_INPUT: {
    exit: 3,
    hint: 'mlserve trace builds numeric and boolean tensors only; pass --example with the input, or wrap the model so its inputs are tensors.',
  },
  MLS_ERR_TRACE_NON_FINITE: {
    exit: 3,
    hint: 'The model produced NaN or infinity on the example inputs; check the model, or pass realistic inputs with --example.',
  },
  MLS_ERR_TRACE_OPTIMIZED_MISMATCH: {
    exit: 1,
    hint: 'The optimized model does not reproduce the original within tolerance; trace with --processor gpu (portable optimizations only) or report it.',
  },
  MLS_ERR_TRACE_NO_MODEL_IN_ARCHIVE: {
    exit: 3,
    hint: 'The archive\'s MANIFEST.json must name an ONNX serializedFile (torch-model-archiver --serialized-file model.onnx).',
  },
  MLS_ERR_TRACE_DUPLICATE_NAME: {
    exit: 2,
    hint: 'Two inputs give the same model name; profiles are keyed by name, so rename one of the archives or files.',
  },
  MLS_ERR_TRACE_MEASURE_FAILED: {
    exit: 1,
    hint: 'The measuring process failed or timed out; its message is shown. Retry with a larger --timeout, or check free memory.',
  },
  MLS_ERR_TRACE_TIMEOUT: {
    exit: 6,
    hint: 'Measuring one model took longer than --timeout: raise --timeout, or shorten --duration / lower --batch-size.',
  },
  MLS_ERR_TRACE_CATALOG: {
    exit: 3,
    hint: 'Estimates for families that cannot be measured here come from the catalog\'s families.<f>.scaling; pass --catalog FILE with them.',
  },
} satisfies Record<string, ErrorSpec>;
