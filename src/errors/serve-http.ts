import { EXIT, variants, type Arg, type ErrorSpec } from './spec.js';

// Codes the model server answers requests with. Each names TorchServe's exception type and status
// (its frontend's ModelNotFoundException, ConflictStatusException, ...), so a TorchServe client
// sees the body it expects; KServe routes render the same error as {"error": message}.
// The exit code applies when one of these ends a CLI command (a model given at start-up).
const MALFORMED = (a: { reason: Arg }) => `malformed HTTP request (${a.reason})`;

export const serveHttpErrors = {
  MLS_ERR_SERVE_NO_ROUTE: {
    message: () => 'Requested resource is not found, please refer to API document.',
    exit: EXIT.usage,
    http: 404,
    type: 'ResourceNotFoundException',
    hint: 'See the API description (OPTIONS /) for the routes this server answers.',
  },
  MLS_ERR_SERVE_METHOD_NOT_ALLOWED: {
    message: () => 'Requested method is not allowed, please refer to API document.',
    exit: EXIT.usage,
    http: 405,
    type: 'MethodNotAllowedException',
    hint: 'See the API description (OPTIONS /) for the methods each route takes.',
  },
  MLS_ERR_SERVE_SHUTTING_DOWN: {
    message: () => 'The server is shutting down.',
    exit: EXIT.unavailable,
    http: 503,
    type: 'ServiceUnavailableException',
    hint: 'The server is draining before it exits: send the request to another replica, or retry once it is back.',
  },
  MLS_ERR_SERVE_BAD_REQUEST: {
    message: variants({
      paramRequired: (a: { param: Arg }) => `Parameter ${a.param} is required.`,
      fieldRequired: (a: { field: Arg }) => `${a.field} is required`,
      paramAtLeast: (a: { param: Arg; min: Arg; got: Arg; unit?: Arg }) => `Parameter ${a.param} must be at least ${a.min}${a.unit ?? ''}, got ${a.got}.`,
      paramAtMost: (a: { param: Arg; max: Arg; got: Arg }) => `Parameter ${a.param} must be at most ${a.max}, got ${a.got}.`,
      paramNegative: (a: { param: Arg; got: Arg }) => `Parameter ${a.param} cannot be negative, got ${a.got}.`,
      paramNotScalar: (a: { param: Arg }) => `Parameter ${a.param} must be a string, number or boolean.`,
      paramNotInteger: (a: { param: Arg; got: Arg }) => `Parameter ${a.param} must be an integer, got ${a.got}.`,
      bodyNotObject: () => 'The JSON body must be an object of parameters.',
      runtime: (a: { value: Arg }) => `Invalid RuntimeType value: ${a.value}`,
      workerRange: () => 'max_worker cannot be less than min_worker.',
      workersNegative: () => 'min_worker cannot be negative.',
      invalidJson: (a: { reason: Arg }) => `invalid JSON body: ${a.reason}`,
      percentEncoding: () => 'malformed percent-encoding in the path',
      multipart: (a: { reason: Arg }) => `invalid multipart request: ${a.reason}`,
      tooManyParts: (a: { max: Arg }) => `too many form fields (at most ${a.max})`,
      noParts: () => 'the multipart request has no fields',
      binaryHeader: (a: { value: Arg; bodyBytes: Arg }) => `Inference-Header-Content-Length ${a.value} is not a length within the ${a.bodyBytes}-byte body`,
      notBase64: (a: { index: Arg }) => `instances[${a.index}]: the value is not base64`,
    }),
    exit: EXIT.usage,
    http: 400,
    type: 'BadRequestException',
    hint: 'Fix the request as the message says (see the API description, OPTIONS /).',
  },
  MLS_ERR_SERVE_BAD_INPUT: {
    // A request body the model's handler cannot turn into its inputs; thrown in the worker, where
    // the handler runs, and answered as TorchServe's backend answers a handler's 400.
    message: variants({
      notJson: () => 'the request body is not valid JSON (base_handler takes a JSON tensor or raw float bytes)',
      notTensors: () => 'expected a JSON array or an object of input names to arrays',
      inputNotObject: () => 'each of "inputs" must be an object {name, shape, datatype, data}',
      unknownInput: (a: { name: Arg; known: Arg }) => `unknown input "${a.name}" (inputs: ${a.known})`,
      missingInput: (a: { name: Arg; known: Arg }) => `missing input "${a.name}" (inputs: ${a.known})`,
      unknownOutput: (a: { name: Arg; known: Arg }) => `unknown output "${a.name}" (outputs: ${a.known})`,
      dynamicInner: (a: { input: Arg }) => `input ${a.input} has dynamic inner dimensions: send JSON instead of raw bytes`,
      shape: (a: { input: Arg; got: Arg; want: Arg }) => `input ${a.input}: got shape [${a.got}], the model takes ${a.want}`,
      shapeNotArray: (a: { input: Arg }) => `input ${a.input}: shape must be an array of non-negative integers`,
      shapeNegative: (a: { input: Arg }) => `input ${a.input}: shape must be non-negative integers`,
      valuesDoNotFill: (a: { input: Arg; count: Arg; shape: Arg }) => `input ${a.input}: ${a.count} values do not fill shape [${a.shape}]`,
      unknownDatatype: (a: { input: Arg; datatype: Arg; known?: Arg }) => `input ${a.input}: unknown datatype ${a.datatype}${a.known ? ` (one of ${a.known})` : ''}`,
      datatypeMismatch: (a: { input: Arg; datatype: Arg; want: Arg }) => `input ${a.input}: datatype ${a.datatype}, but the model takes ${a.want}`,
      rawOnlyDatatype: (a: { input: Arg; datatype: Arg }) => `input ${a.input}: ${a.datatype} tensors travel in raw_input_contents (the protocol has no typed field for them)`,
      int64NotWhole: (a: { input: Arg }) => `input ${a.input}: int64 contents must be whole numbers`,
      contentsAndRaw: (a: { input: Arg }) => `input ${a.input}: contents and raw_input_contents cannot both be given`,
      rawCount: (a: { tensors: Arg; inputs: Arg }) => `raw_input_contents holds ${a.tensors} tensors for ${a.inputs} inputs: one per input, in order`,
      tensor: (a: { reason: Arg }) => `${a.reason}`,
      image: (a: { reason: Arg }) => `cannot decode the image: ${a.reason}`,
    }),
    exit: EXIT.input,
    http: 400,
    type: 'BadRequestException',
    hint: "Send the inputs the model describes (GET /v2/models/{model}): names, datatypes and shapes as listed.",
  },
  MLS_ERR_SERVE_REQUEST_TOO_LARGE: {
    message: variants({
      body: (a: { limit: Arg }) => `The request body is larger than max_request_size (${a.limit} bytes).`,
      field: (a: { field: Arg; limit: Arg }) => `form field ${a.field} is larger than max_request_size (${a.limit} bytes).`,
    }),
    exit: EXIT.input,
    http: 413,
    type: 'RequestEntityTooLargeException',
    hint: 'Send a smaller body, or raise max_request_size in the server config.',
  },
  MLS_ERR_SERVE_NO_SUCH_MODEL: {
    message: variants({
      torchserve: (a: { model: Arg }) => `Model not found: ${a.model}`,
      kserve: (a: { model: Arg; version?: Arg }) => (a.version ? `model ${a.model} version ${a.version} not found` : `model ${a.model} not found`),
      noArchive: (a: { model: Arg }) => `no archive for model ${a.model} in the model store`,
      emptyUrl: () => 'empty url',
    }),
    exit: EXIT.input,
    http: 404,
    type: 'ModelNotFoundException',
    hint: 'List the registered models with GET /models (management API); register one with POST /models?url=ARCHIVE.',
  },
  MLS_ERR_SERVE_NO_SUCH_VERSION: {
    message: (a: { model: Arg; version: Arg }) => `Model version: ${a.version} does not exist for model: ${a.model}`,
    exit: EXIT.input,
    http: 404,
    type: 'ModelVersionNotFoundException',
    hint: 'List the versions with GET /models/{model}/all (management API).',
  },
  MLS_ERR_SERVE_VERSION_EXISTS: {
    message: (a: { model: Arg; version: Arg }) => `Model version ${a.version} is already registered for model ${a.model}`,
    exit: EXIT.input,
    http: 409,
    type: 'ConflictStatusException',
    hint: 'Unregister that version first (DELETE /models/{model}/{version}), or give the archive another version.',
  },
  MLS_ERR_SERVE_MODEL_REFUSED: {
    // The archive was read but its model cannot be served here (wrong runtime, unknown handler...).
    message: (a: { reason: Arg }) => `${a.reason}`,
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'Rebuild the archive as the message says (`mlserve archive`), then register it again.',
  },
  MLS_ERR_SERVE_DEFAULT_VERSION: {
    message: (a: { model: Arg }) => `Cannot remove default version for model ${a.model}`,
    exit: EXIT.usage,
    http: 403,
    type: 'InvalidModelVersionException',
    hint: 'Make another version the default first (PUT /models/{model}/{version}/set-default).',
  },
  MLS_ERR_SERVE_API_LOCKED: {
    message: (a: { reason: Arg }) => `${a.reason}`,
    exit: EXIT.usage,
    http: 403,
    type: 'ModelControlException',
    hint: 'The server was started with model control off (model_api_enabled=false or --disable-model-api): register models at start-up instead.',
  },
  MLS_ERR_SERVE_WORKERS_FAILED: {
    message: variants({
      failed: (a: { model: Arg; version: Arg }) => `Failed to start workers for model ${a.model} version: ${a.version}`,
      noStartupTime: (a: { model: Arg; version: Arg; seconds: Arg }) => `Failed to start workers for model ${a.model} version: ${a.version} (startup_timeout is ${a.seconds} s)`,
    }),
    exit: EXIT.failure,
    http: 500,
    type: 'InternalServerException',
    hint: 'The worker log lines say why; with startup_timeout 0 and workers asked for, none can start in time.',
  },
  MLS_ERR_SERVE_NO_WORKER: {
    message: variants({
      noWorker: (a: { who: Arg }) => `${a.who} has no worker to serve inference request. Please use scale workers API to add workers.`,
      queueFull: (a: { who: Arg; capacity: Arg }) => `${a.who} has no worker to serve inference request. Please use scale workers API to add workers. The job queue is full (job_queue_size=${a.capacity}).`,
    }),
    exit: EXIT.unavailable,
    http: 503,
    type: 'ServiceUnavailableException',
    hint: 'Add workers (PUT /models/{model}?min_worker=N), raise job_queue_size, or send fewer requests at once.',
  },
  MLS_ERR_SERVE_WORKER_GONE: {
    message: variants({
      closed: (a: { worker: Arg }) => `worker ${a.worker} closed its connection`,
      exited: (a: { worker: Arg; how: Arg }) => `worker ${a.worker} exited (${a.how})`,
      notStarted: (a: { worker: Arg }) => `worker ${a.worker} could not be started`,
      exitedStarting: (a: { worker: Arg }) => `worker ${a.worker} exited while starting`,
      exitedLoading: (a: { worker: Arg; model: Arg }) => `worker ${a.worker} exited while loading ${a.model}`,
      notRunning: (a: { worker: Arg }) => `worker ${a.worker} is not running`,
      timedOut: (a: { worker: Arg; ms: Arg }) => `worker ${a.worker} did not answer within ${a.ms} ms`,
      failed: (a: { reason: Arg }) => `worker error: ${a.reason}`,
      noResults: () => 'no results',
      noResult: () => 'no result for this request',
      unregistered: () => 'the model was unregistered',
      // the pool's own account of why no worker of the model could start (a worker's load error)
      cannotStart: (a: { reason: Arg }) => `${a.reason}`,
    }),
    exit: EXIT.failure,
    http: 503,
    type: 'ServiceUnavailableException',
    hint: 'The worker process died, hung past response_timeout, or was stopped; the server starts another. Retry the request; the worker log says why it went.',
  },
  MLS_ERR_SERVE_DEADLINE: {
    message: () => 'The client deadline passed while the request was queued; it was not run.',
    exit: EXIT.timeout,
    http: 504,
    type: 'RequestTimeoutException',
    hint: 'Give the request a longer deadline, or add workers so that it waits less in the queue.',
  },
  MLS_ERR_SERVE_BAD_TOKEN: {
    message: () => 'Token Authorization failed. Token either incorrect, expired, or not provided correctly',
    exit: EXIT.usage,
    http: 400,
    type: 'InvalidKeyException',
    hint: 'Send the key from key_file.json as `Authorization: Bearer KEY` (inference key for inference, management key for management).',
  },
  MLS_ERR_SERVE_HTTP_PROTOCOL: {
    // Refusals of the HTTP transport itself, before a route sees the request.
    message: variants({
      malformed: MALFORMED,
    }),
    exit: EXIT.usage,
    http: 400,
    type: 'BadRequestException',
    hint: 'Send a well-formed HTTP/1.1 request.',
  },
  MLS_ERR_SERVE_EXPECTATION_FAILED: {
    message: (a: { value: Arg }) => `unsupported Expect: ${a.value}`,
    exit: EXIT.usage,
    http: 417,
    type: 'ExpectationFailedException',
    hint: 'Send `Expect: 100-continue` or no Expect header.',
  },
  MLS_ERR_SERVE_HEADERS_TOO_LARGE: {
    message: variants({ malformed: MALFORMED }),
    exit: EXIT.usage,
    http: 431,
    type: 'RequestHeaderFieldsTooLargeException',
    hint: 'Send fewer or shorter headers.',
  },
  MLS_ERR_SERVE_REQUEST_TIMEOUT: {
    message: variants({ malformed: MALFORMED, body: (a: { reason: Arg }) => `${a.reason}` }),
    exit: EXIT.timeout,
    http: 408,
    type: 'RequestTimeoutException',
    hint: 'Send the whole request within the server\'s request timeout.',
  },
  MLS_ERR_SERVE_PREDICTION_FAILED: {
    // A handler's failure, answered by its worker (TorchServe's PredictionException, 503 unless
    // the handler set a status). Its status and body come from the worker and are relayed.
    message: (a: { reason: Arg }) => `Prediction failed: ${a.reason}`,
    exit: EXIT.failure,
    http: 503,
    type: 'PredictionException',
    hint: 'The handler failed on this request; the worker log says why.',
  },
} satisfies Record<string, ErrorSpec>;
