import { EXIT, variants, type Arg, type ErrorSpec } from './spec.js';

// Codes of the serve area. Add new codes here; tests assert codes, not wording.
/** Why a registration URL is refused (TorchServe's wording where it has one). */
const URL_REFUSALS = {
  off: 'cannot be registered: registration from URLs is off (set allowed_urls in the config file)',
  percentEncoding: 'has malformed percent-encoding',
  dotDot: 'contains ".." or "\\"',
  notUrl: 'is not a URL',
  notHttp: 'is not http(s)',
  credentials: 'carries credentials',
  notAllowed: 'does not match any allowed URL(s)',
} as const;
export type UrlRefusal = keyof typeof URL_REFUSALS;

/** What to do when a processor asked for is not usable here (`--processor gpu|inf`). */
const PROCESSOR_HINTS: Record<string, string> = {
  gpu: 'Run on a machine with an NVIDIA GPU and its driver (docker: --gpus device=N; Kubernetes: nvidia.com/gpu), and name visible GPUs in --devices.',
  inf: 'Run on an Inferentia / Trainium instance with the Neuron driver (/dev/neuronN; docker: --device /dev/neuronN) and the Neuron runtime (aws-neuronx-runtime-lib, /opt/aws/neuron/lib), and name visible devices in --devices.',
};

export const serveErrors = {
  MLS_ERR_SERVE_CONFIG: {
    message: variants({
      httpTransportEnv: (a: { v: Arg; choices: Arg }) => `MLSERVE_HTTP_TRANSPORT: "${a.v}" is not one of ${a.choices}`,
      notWholeNumber: (a: { path: Arg; key: Arg; value: Arg }) => `${a.path}: ${a.key}: "${a.value}" is not a whole number`,
      unknownKey: (a: { path: Arg; key: Arg }) => `${a.path}: unknown key ${a.key}`,
      keyNotOneOf: (a: { path: Arg; key: Arg; value: Arg; allowed: Arg }) => `${a.path}: ${a.key}: "${a.value}" is not one of ${a.allowed}`,
      grpcPort: (a: { path: Arg; what: Arg; port: Arg }) => `${a.path}: grpc_${a.what}_port: "${a.port}" is not a port number`,
      grpcAddress: (a: { path: Arg; what: Arg }) => `${a.path}: grpc_${a.what}_address is empty`,
      grpcSslFiles: (a: { path: Arg }) => `${a.path}: enable_grpc_ssl=true needs certificate_file and private_key_file`,
      notOneOf: (a: { what: Arg; value: Arg; choices: Arg }) => `${a.what}: "${a.value}" is not one of ${a.choices}`,
      deviceList: (a: { what: Arg; value: Arg }) => `${a.what}: "${a.value}" is not a list of device numbers (e.g. 0,1)`,
      deviceTwice: (a: { what: Arg; value: Arg }) => `${a.what}: "${a.value}" names a device twice`,
      neuronCoresEnv: (a: { value: Arg }) => `MLSERVE_NEURON_CORES_PER_DEVICE: "${a.value}" is not a whole number above 0`,
      grpcSslUnreadable: (a: { reason: Arg }) => `enable_grpc_ssl: cannot read the certificate or key: ${a.reason}`,
      modelDeviceIds: (a: { model: Arg; v: Arg; deviceIds: Arg }) => `${a.model}: model-config.yaml deviceIds ${a.v} must name devices of this server (--devices ${a.deviceIds})`,
      devicesNeedProcessor: () => `--devices names GPUs or Neuron devices: it needs --processor gpu or inf`,
      url: (a: { url: Arg; reason: Arg }) => `${a.url}: ${a.reason}`,
      snapshotNotJson: (a: { path: Arg; reason: Arg }) => `${a.path}: not JSON (${a.reason})`,
      snapshotField: (a: { path: Arg; field: Arg; reason: Arg }) => `${a.path}: ${a.field}: ${a.reason}`,
      allowedUrlsRegex: (a: { where: Arg; p: Arg; reason: Arg }) => `${a.where}: allowed_urls: "${a.p}" is not a regular expression (${a.reason})`,
    }),
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'Fix the key named in the config file (TorchServe config.properties syntax: key=value); see `mlserve serve --help`.',
    hints: {
      httpTransportEnv: 'Unset MLSERVE_HTTP_TRANSPORT, or set it to auto, llhttp or node.',
      grpcSslFiles: 'give PEM files for both (a Java keystore is not read), or remove enable_grpc_ssl to serve gRPC without TLS on loopback',
      snapshotNotJson: 'Delete the snapshot or start with --no-snapshot.',
      snapshotField: 'Delete the snapshot or start with --no-snapshot.',
    },
  },
  MLS_ERR_SERVE_ADDRESS: {
    message: variants({
      syntax: (a: { what: Arg; text: Arg }) => `${a.what}: "${a.text}" is not HOST:PORT`,
      unresolvable: (a: { what: Arg; address: Arg; reason: Arg }) => `${a.what} address ${a.address}: ${a.reason}`,
    }),
    exit: EXIT.usage,
    http: 400,
    hint: 'Give addresses as HOST:PORT or http://HOST:PORT (port 0 lets the system choose).',
    hints: {
      syntax: (a: { text: Arg }) => (String(a.text).startsWith('https') ? 'mlserve serves plain HTTP; put a TLS proxy in front of it.' : undefined),
    },
  },
  MLS_ERR_SERVE_PORT_IN_USE: {
    message: (a: { what: Arg; address: Arg }) => `${a.what} address ${a.address} is already in use`,
    exit: EXIT.unavailable,
    hint: 'Another process listens on that address: stop it, or choose another port (port 0 picks a free one).',
  },
  MLS_ERR_SERVE_MODEL_NOT_FOUND: {
    message: variants({
      notInStore: (a: { url: Arg }) => `Model not found in model store: ${a.url}`,
      outsideStore: (a: { url: Arg }) => `Model not found in model store: ${a.url}`,
    }),
    exit: EXIT.input,
    http: 404,
    type: 'ModelNotFoundException',
    hint: 'Put the archive directly in the model store folder (--model-store) and name it by its file name.',
    hints: { outsideStore: 'Name an archive directly inside the model store (no folders, no "..").' },
  },
  MLS_ERR_SERVE_INVALID_ARCHIVE: {
    message: variants({
      noRequirementsFile: (a: { model: Arg; requirementsFile: Arg }) => `${a.model}: the requirements file ${a.requirementsFile} is not in the archive`,
      urlNotStore: (a: { url: Arg }) => `mlserve loads archives from the model store only, not URLs: ${a.url}`,
      notOnnx: (a: { url: Arg; handler: Arg; serializedFile: Arg }) => `${a.url}: handler ${a.handler} runs ONNX models; the serialized file must be an .onnx model (got ${a.serializedFile})`,
      unreadable: (a: { url: Arg; reason: Arg }) => `${a.url}: ${a.reason}`,
      urlName: (a: { url: Arg; name: Arg }) => `${a.url}: the URL must end in an archive file name (.mar, .tar.gz, .tgz, .zip), got "${a.name}"`,
    }),
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'Rebuild the archive with `mlserve archive`; it needs MAR-INF/MANIFEST.json and an .onnx serialized file.',
    hints: {
      urlNotStore: 'Copy the archive into the model store and register it by file name.',
    },
  },
  MLS_ERR_SERVE_URL_NOT_ALLOWED: {
    message: (a: { url: Arg; why: UrlRefusal }) => `Given URL ${a.url} ${URL_REFUSALS[a.why]}`,
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'Registration from URLs is off unless allowed_urls (config file) has a pattern matching the whole URL; URLs with ".." are always refused.',
  },
  MLS_ERR_SERVE_DOWNLOAD_FAILED: {
    message: variants({
      failed: (a: { url: Arg; reason: Arg }) => `${a.url}: ${a.reason}`,
      redirects: (a: { url: Arg; max: Arg }) => `${a.url}: more than ${a.max} redirects`,
      status: (a: { url: Arg; status: Arg }) => `${a.url}: the server answered ${a.status}`,
      tooLarge: (a: { url: Arg; maxBytes: Arg }) => `${a.url}: the archive is larger than the download limit (${a.maxBytes} bytes)`,
    }),
    exit: EXIT.failure,
    http: 400,
    type: 'InvalidModelException',
    hint: 'Check that the URL serves the archive (HTTP 200, within max_download_size), or copy it into the model store and register it by file name.',
  },
  MLS_ERR_SERVE_ARCHIVE_EXISTS: {
    message: (a: { name: Arg }) => `Model file already exists ${a.name}`,
    exit: EXIT.failure,
    http: 500, // TorchServe's status for a URL whose archive is already in the store
    hint: 'The model store already holds an archive of that name: register it by file name, or remove it from the model store first.',
  },
  MLS_ERR_SERVE_MODEL_LOAD_FAILED: {
    message: (a: { url: Arg; reason: Arg }) => `${a.url}: ${a.reason}`,
    exit: EXIT.failure,
    http: 500,
    hint: 'The worker could not load the model or its handler; the worker log lines above say why.',
  },
  MLS_ERR_SERVE_PYTHON_NOT_FOUND: {
    message: (a: { model: Arg; wanted: Arg; where: Arg }) => `${a.model} has a Python handler and the Python interpreter "${a.wanted}" (from ${a.where}) was not found`,
    exit: EXIT.input,
    http: 500,
    hint: 'Install python3 (the cpu image has it), or name an interpreter with --python PATH, MLSERVE_PYTHON, or `python:` in the model-config.yaml; torch handlers need torch in that environment.',
  },
  MLS_ERR_SERVE_PYTHON_DEPS: {
    message: (a: { model: Arg; requirementsFile: Arg; tail: Arg }) => `${a.model}: pip could not install ${a.requirementsFile}: ${a.tail}`,
    exit: EXIT.failure,
    http: 500,
    hint: 'install_py_dep_per_model=true runs pip on the archive requirements file: pip must reach a package index (or set PIP_INDEX_URL / PIP_FIND_LINKS); otherwise install the packages into the interpreter and turn the setting off.',
  },
  MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE: {
    message: variants({
      cudaMissing: (a: { model: Arg; reason: Arg }) => `${a.model}: ${a.reason}`,
      processor: (a: { processor: Arg; problems: Arg }) => `--processor ${a.processor} cannot be used: ${a.problems}`,
      workerRefused: (a: { model: Arg; refused: Arg }) => `${a.model}: ${a.refused}`,
    }),
    exit: EXIT.io,
    http: 500,
    hint: 'The processor asked for (--processor / MLSERVE_PROCESSOR) is not usable here: run where it is, or start with --allow-cpu-fallback to run on the CPU and say so.',
    hints: {
      processor: (a: { processor: Arg }) =>
        `${PROCESSOR_HINTS[a.processor] ?? ''} Or start with --allow-cpu-fallback to run on the CPU (the server then says so in its log, describe, /v2 metadata and metrics).`.trim(),
      cudaMissing: 'Install onnxruntime-node with its CUDA 12 provider (`npm install --onnxruntime-node-install=cuda12`, which the gpu image does at build) on a CUDA 12 + cuDNN 9 runtime; or start with --allow-cpu-fallback to run ONNX models on the CPU.',
      workerRefused: 'trace measures on the device when it is here: make torch see it (a CUDA build of torch; torch-neuron / torch-neuronx), or trace on a machine without the device to estimate from the catalog.',
    },
  },
  MLS_ERR_SERVE_ONNX_ON_INF: {
    message: (a: { model: Arg }) => `${a.model} is an ONNX model and the server runs on Inferentia (--processor inf): onnxruntime has no Neuron execution provider`,
    exit: EXIT.input,
    http: 400,
    type: 'InvalidModelException',
    hint: 'Compile the model for Neuron (torch-neuron for inf1: torch.neuron.trace; torch-neuronx for inf2/trn1: torch_neuronx.trace), save it as TorchScript and archive it with a Python handler; or serve the ONNX model on a cpu or gpu server.',
  },
  MLS_ERR_SERVE_ALREADY_RUNNING: {
    message: (a: { pid: Arg; path: Arg }) => `a server (pid ${a.pid}) already runs with pid file ${a.path}`,
    exit: EXIT.unavailable,
    hint: 'A server already runs with this pid file: stop it with `mlserve serve --stop`, or pass another --pid-file.',
  },
  MLS_ERR_SERVE_NOT_RUNNING: {
    message: variants({
      noPid: (a: { path: Arg }) => `no server pid in ${a.path}`,
      stale: (a: { path: Arg; pid: Arg }) => `the server of ${a.path} (pid ${a.pid}) is not running; removed the stale pid file`,
    }),
    exit: EXIT.unavailable,
    hint: 'No server runs with this pid file; pass the --pid-file the server was started with.',
  },
  MLS_ERR_SERVE_STOP_TIMEOUT: {
    message: (a: { pid: Arg; timeoutMs: Arg }) => `the server (pid ${a.pid}) is still running ${a.timeoutMs} ms after SIGTERM`,
    exit: EXIT.timeout,
    hint: 'The server did not exit after SIGTERM; it may still be draining requests. Check it with `ps`, or kill it.',
  },
  MLS_ERR_SERVE_TRANSPORT: {
    message: (a: { version: Arg; problem: Arg }) => `the llhttp transport does not work on Node ${a.version}: ${a.problem}`,
    exit: EXIT.failure,
    hint: 'The llhttp transport failed its start-up check on this Node; start with --http-transport auto (falls back to node:http) or node, and report the Node version.',
  },
} satisfies Record<string, ErrorSpec>;
