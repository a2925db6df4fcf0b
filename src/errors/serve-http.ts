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
      problem: (a: { input: Arg; problem: Arg }) => `input ${a.input}: ${a.problem}`,
      dynamicInner: (a: { input: Arg }) => `input ${a.input} has dynamic inner dimensions: send JSON instead of raw bytes`,
      unknownInput: (a: { name: Arg; known: Arg }) => `unknown input "${a.name}" (inputs: ${a.known})`,
      missingInput: (a: { name: Arg; known: Arg }) => `missing input "${a.name}" (inputs: ${a.known})`,
      unknownOutput: (a: { name: Arg; known: Arg }) => `unknown output "${a.name}" (outputs: ${a.known})`,
      rawCount: (a: { tensors: Arg; inputs: Arg }) => `raw_input_contents holds ${a.tensors} tensors for ${a.inputs} inputs: one per input, in order`,
      body: (a: { reason: Arg }) => `${a.reason}`,
      image: (a: { reason: Arg }) => `cannot decode the image: ${a.reason}`,
    }),
    exit: EXIT.input,
    http: 400,
    type: 'BadRequestException',
    hint: "Send the inputs the model describes (GET /v2/models/{model}): names, datatypes and shapes as listed.",
  },
  MLS_ERR_SERVE_REQUEST_TOO_LARGE: {
    message: (a: { what: Arg; limit: Arg }) => `${a.what} is larger than max_request_size (${a.limit} bytes).`,
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
    message: (a: { model: Arg; version: Arg; why?: Arg }) => `Failed to start workers for model ${a.model} version: ${a.version}${a.why ? ` (${a.why})` : ''}`,
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
      gone: (a: { worker: Arg; what: Arg }) => `worker ${a.worker} ${a.what}`,
      failed: (a: { reason: Arg }) => `worker error: ${a.reason}`,
      noResult: (a: { what: Arg }) => `${a.what}`,
      unregistered: () => 'the model was unregistered',
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
      headerValue: (a: { name: Arg }) => `invalid header ${a.name} in the handler's response`,
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
