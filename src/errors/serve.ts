import type { ErrorSpec } from '../errors.js';

// Codes of the serve area. Add new codes here; tests assert codes, not wording.
export const serveErrors = {
  MLS_ERR_SERVE_CONFIG: {
    exit: 3,
    http: 400,
    hint: 'Fix the key named in the config file (TorchServe config.properties syntax: key=value); see `mlserve serve --help`.',
  },
  MLS_ERR_SERVE_ADDRESS: {
    exit: 2,
    http: 400,
    hint: 'Give addresses as HOST:PORT or http://HOST:PORT (port 0 lets the system choose).',
  },
  MLS_ERR_SERVE_PORT_IN_USE: {
    exit: 5,
    hint: 'Another process listens on that address: stop it, or choose another port (port 0 picks a free one).',
  },
  MLS_ERR_SERVE_MODEL_NOT_FOUND: {
    exit: 3,
    http: 404,
    hint: 'Put the archive directly in the model store folder (--model-store) and name it by its file name.',
  },
  MLS_ERR_SERVE_INVALID_ARCHIVE: {
    exit: 3,
    http: 400,
    hint: 'Rebuild the archive with `mlserve archive`; it needs MAR-INF/MANIFEST.json and an .onnx serialized file.',
  },
  MLS_ERR_SERVE_URL_NOT_ALLOWED: {
    exit: 3,
    http: 400,
    hint: 'Registration from URLs is off unless allowed_urls (config file) has a pattern matching the whole URL; URLs with ".." are always refused.',
  },
  MLS_ERR_SERVE_DOWNLOAD_FAILED: {
    exit: 1,
    http: 400,
    hint: 'Check that the URL serves the archive (HTTP 200, within max_download_size), or copy it into the model store and register it by file name.',
  },
  MLS_ERR_SERVE_ARCHIVE_EXISTS: {
    exit: 1,
    http: 500, // TorchServe's status for a URL whose archive is already in the store
    hint: 'The model store already holds an archive of that name: register it by file name, or remove it from the model store first.',
  },
  MLS_ERR_SERVE_MODEL_LOAD_FAILED: {
    exit: 1,
    http: 500,
    hint: 'The worker could not load the model or its handler; the worker log lines above say why.',
  },
  MLS_ERR_SERVE_PYTHON_NOT_FOUND: {
    exit: 3,
    http: 500,
    hint: 'Install python3 (the cpu image has it), or name an interpreter with --python PATH, MLSERVE_PYTHON, or `python:` in the model-config.yaml; torch handlers need torch in that environment.',
  },
  MLS_ERR_SERVE_PYTHON_DEPS: {
    exit: 1,
    http: 500,
    hint: 'install_py_dep_per_model=true runs pip on the archive requirements file: pip must reach a package index (or set PIP_INDEX_URL / PIP_FIND_LINKS); otherwise install the packages into the interpreter and turn the setting off.',
  },
  MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE: {
    exit: 4,
    http: 500,
    hint: 'The processor asked for (--processor / MLSERVE_PROCESSOR) is not usable here: run where it is, or start with --allow-cpu-fallback to run on the CPU and say so.',
  },
  MLS_ERR_SERVE_ONNX_ON_INF: {
    exit: 3,
    http: 400,
    hint: 'onnxruntime has no Neuron provider: compile the model with torch-neuron (inf1) or torch-neuronx (inf2) and archive it with a Python handler, or serve the ONNX model on a cpu or gpu server.',
  },
  MLS_ERR_SERVE_ALREADY_RUNNING: {
    exit: 5,
    hint: 'A server already runs with this pid file: stop it with `mlserve serve --stop`, or pass another --pid-file.',
  },
  MLS_ERR_SERVE_NOT_RUNNING: {
    exit: 5,
    hint: 'No server runs with this pid file; pass the --pid-file the server was started with.',
  },
  MLS_ERR_SERVE_STOP_TIMEOUT: {
    exit: 6,
    hint: 'The server did not exit after SIGTERM; it may still be draining requests. Check it with `ps`, or kill it.',
  },
  MLS_ERR_SERVE_TRANSPORT: {
    exit: 1,
    hint: 'The llhttp transport failed its start-up check on this Node; start with --http-transport auto (falls back to node:http) or node, and report the Node version.',
  },
} satisfies Record<string, ErrorSpec>;
