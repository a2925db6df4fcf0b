import { EXIT, variants, type Arg, type ErrorSpec } from './spec.js';

// Codes of the trace area. Add new codes here; tests assert codes, not wording.
/** An --shape or --example that does not fit the model's inputs (either flag gives the same refusals). */
const INPUT_WORDINGS = {
  noSuchInput: (a: { model: Arg; name: Arg; known: Arg }) => `${a.model}: the model has no input "${a.name}" (its inputs: ${a.known})`,
  rankMismatch: (a: { model: Arg; input: Arg; rank: Arg; declared: Arg; given: Arg }) => `${a.model}: input "${a.input}" has ${a.rank} dimensions [${a.declared}], got ${a.given}`,
  fixedDim: (a: { model: Arg; input: Arg; i: Arg; d: Arg; given: Arg }) => `${a.model}: input "${a.input}" dimension ${a.i} is fixed at ${a.d}, got ${a.given}`,
};
/** A measuring child process that failed or ran out of time. */
const measuringTimedOut = (a: { model: Arg; ms: Arg }) => `${a.model}: the measuring process timed out after ${a.ms} ms`;

export const traceErrors = {
  MLS_ERR_TRACE_NOT_ONNX: {
    message: (a: { model: Arg; why: Arg }) => `${a.model}: not an ONNX model (${a.why})`,
    exit: EXIT.input,
    hint: 'Pass an ONNX model (.onnx) or a model archive (.mar, .tar.gz or folder) whose serialized file is one.',
  },
  MLS_ERR_TRACE_UNSUPPORTED_OPSET: {
    message: (a: { model: Arg; why: Arg }) => `${a.model}: unsupported operator set: ${a.why}`,
    exit: EXIT.input,
    hint: 'Re-export the model with an operator set onnxruntime supports (ai.onnx 7 up to the version named in the message).',
  },
  MLS_ERR_TRACE_MODEL_LOAD: {
    message: variants({
      load: (a: { model: Arg; why: Arg }) => `${a.model}: onnxruntime cannot load it: ${a.why}`,
      run: (a: { model: Arg; reason: Arg }) => `${a.model}: inference failed: ${a.reason}`,
    }),
    exit: EXIT.input,
    hint: 'onnxruntime could not load or run the model; check that it was exported correctly (the message gives its reason).',
  },
  MLS_ERR_TRACE_FREE_DIMS: {
    message: (a: { model: Arg; name: Arg; declared: Arg; free: Arg }) => `${a.model}: input "${a.name}" [${a.declared}] has free dimension ${a.free}`,
    exit: EXIT.usage,
    hint: 'Give the input a concrete shape with --shape name=1x3x224x224 (the leading batch dimension may stay free), or pass --example.',
  },
  MLS_ERR_TRACE_BAD_SHAPE: {
    message: variants({
      notNameDims: (a: { text: Arg }) => `--shape "${a.text}" is not name=DIMxDIM... with positive dimensions`,
      ...INPUT_WORDINGS,
    }),
    exit: EXIT.usage,
    hint: 'Write shapes as name=1x3x224x224: the input name, then positive dimensions joined by x, matching the model\'s fixed dimensions.',
  },
  MLS_ERR_TRACE_BAD_EXAMPLE: {
    message: variants({
      unreadable: (a: { file: Arg; message: Arg }) => `${a.file}: ${a.message}`,
      ...INPUT_WORDINGS,
      pythonNeedsExample: (a: { model: Arg }) => `${a.model}: a Python handler's input cannot be derived from its model; give --example with a request body for it (JSON, an image, ...)`,
    }),
    exit: EXIT.input,
    hint: 'The --example file is JSON naming every model input: {"input": [[...]]} or {"input": {"dims": [1, 4], "data": [...]}} or a KServe v2 request {"inputs": [...]}.',
  },
  MLS_ERR_TRACE_UNSUPPORTED_INPUT: {
    message: variants({
      type: (a: { model: Arg; name: Arg; type: Arg }) => `${a.model}: input "${a.name}" has type ${a.type}`,
      notTensor: (a: { model: Arg; name: Arg }) => `${a.model}: input "${a.name}" is not a tensor`,
    }),
    exit: EXIT.input,
    hint: 'mlserve trace builds numeric and boolean tensors only; pass --example with the input, or wrap the model so its inputs are tensors.',
  },
  MLS_ERR_TRACE_NON_FINITE: {
    message: (a: { model: Arg; name: Arg; what: Arg; v: Arg; i: Arg }) => `${a.model}: output "${a.name}" of the ${a.what} model holds ${a.v} (at index ${a.i})`,
    exit: EXIT.input,
    hint: 'The model produced NaN or infinity on the example inputs; check the model, or pass realistic inputs with --example.',
  },
  MLS_ERR_TRACE_OPTIMIZED_MISMATCH: {
    message: variants({
      shape: (a: { model: Arg; name: Arg }) => `${a.model}: output "${a.name}" differs in shape after optimization`,
      value: (a: { model: Arg; name: Arg; i: Arg; y: Arg; x: Arg; tolerance: Arg }) => `${a.model}: output "${a.name}"[${a.i}] is ${a.y} optimized, ${a.x} original (tolerance ${a.tolerance})`,
    }),
    exit: EXIT.failure,
    hint: 'The optimized model does not reproduce the original within tolerance; trace with --processor gpu (portable optimizations only) or report it.',
  },
  MLS_ERR_TRACE_NO_MODEL_IN_ARCHIVE: {
    message: (a: { name: Arg; input: Arg; file: Arg }) => `${a.name} (${a.input}): the archive's serializedFile is ${a.file}, not an .onnx model`,
    exit: EXIT.input,
    hint: 'The archive\'s MANIFEST.json must name an ONNX serializedFile (torch-model-archiver --serialized-file model.onnx).',
  },
  MLS_ERR_TRACE_DUPLICATE_NAME: {
    message: (a: { model: Arg; input: Arg }) => `${a.model}: ${a.input} gives a model name already traced`,
    exit: EXIT.usage,
    hint: 'Two inputs give the same model name; profiles are keyed by name, so rename one of the archives or files.',
  },
  MLS_ERR_TRACE_MEASURE_FAILED: {
    message: variants({
      measuringExited: (a: { model: Arg; how: Arg; stderr: Arg }) => `${a.model}: the measuring process exited with ${a.how}: ${a.stderr}`,
      handlerStatus: (a: { model: Arg; status: Arg; body: Arg }) => `${a.model}: the handler answered ${a.status} to the example: ${a.body}`,
      pythonLoad: (a: { model: Arg; reason: Arg }) => `${a.model}: the Python handler did not load: ${a.reason}`,
    }),
    exit: EXIT.failure,
    hint: 'The measuring process failed or timed out; its message is shown. Retry with a larger --timeout, or check free memory.',
  },
  MLS_ERR_TRACE_TIMEOUT: {
    message: variants({ measuringTimedOut }),
    exit: EXIT.timeout,
    hint: 'Measuring one model took longer than --timeout: raise --timeout, or shorten --duration / lower --batch-size.',
  },
  MLS_ERR_TRACE_CATALOG: {
    message: variants({
      invalid: (a: { reason: Arg }) => `${a.reason}`,
      notFound: (a: { path: Arg }) => `catalog ${a.path} does not exist`,
      scalingFrom: (a: { family: Arg; from: Arg; measured: Arg }) => `families.${a.family}.scaling.from: "${a.from}" is not measured by trace (use ${a.measured})`,
    }),
    exit: EXIT.input,
    hint: 'Estimates for families that cannot be measured here come from the catalog\'s families.<f>.scaling; pass --catalog FILE with them.',
  },
} satisfies Record<string, ErrorSpec>;
