// `mlserve init`: a commented starter mlserve.yaml, an example JavaScript handler and the JSON
// Schema editors use to check the YAML as it is typed.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MlsError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { pipelineJsonSchema } from '../config/pipeline-schema.js';

export const STARTER_YAML = `# yaml-language-server: $schema=./mlserve.schema.json
# mlserve pipeline: archive → trace → pack → deploy → loadtest.
# Run it with:  mlserve pipeline -f mlserve.yaml
apiVersion: mlserve/v1
kind: Pipeline
name: my-models
output: out                     # every intermediate file goes here

models:
  # One entry per model (or a glob such as models/*.onnx: names come from the file names).
  - name: my-model
    file: models/my-model.onnx
    handler: base_handler         # built-in: base_handler, image_classifier; or a .js handler file
    version: "1.0"
    batching: { batchSize: 4, maxBatchDelay: 10ms }
  # - file: models/*.onnx
  #   handler: handler.js         # the example JavaScript handler written next to this file

trace:
  processor: cpu                  # cpu | gpu | inf: the processor the models are optimized for
  batchSize: 4
  rps: 10                         # expected requests per second per model (for the util figure)
  # shapes: ["input=1x3x224x224"] # needed when a model has free dimensions besides the batch

pack:
  maxMem: 7.4GB                   # cap on each processor's memory
  maxUtil: 83                     # cap on each processor's utilization, %
  objective: cost                 # cost | count
  timeLimit: 30s
  # instanceTypes: [inf1.xlarge, inf1.2xlarge, inf1.6xlarge, g4dn.xlarge]
  # catalog: catalog.yaml         # your own instance types and prices

deploy:
  runtime: local                  # local | docker | kubernetes
  namespace: mlserve

loadtest:
  mode: sweep                     # sweep | sequential | random
  concurrency: [1, 2, 4, 8]
  duration: 5s
  warmup: 1s
  slo: p90=100ms                  # the run fails (exit 1) when no level meets it
`;

export const EXAMPLE_HANDLER = `// An mlserve JavaScript handler, on TorchServe's handler contract: a batch of requests in, a
// list of the same length out. Archive it with:
//   mlserve archive --model-name my-model --serialized-file models/my-model.onnx --handler handler.js
// The server calls initialize once per worker, then preprocess → inference → postprocess for each
// batch (or a single handle(batch, context) if you export that instead).

let inputName;

export async function initialize(context) {
  // context.session is the model's onnxruntime InferenceSession; context.manifest the archive's
  // MANIFEST.json; context.modelDir the folder holding the archive's files.
  inputName = context.session.inputNames[0];
}

export async function preprocess(requests, context) {
  // Each request has .body (a Buffer) and .contentType; here every body is a JSON array of numbers.
  const rows = requests.map((r) => JSON.parse(r.body.toString('utf8')));
  const width = rows[0].length;
  return { [inputName]: new context.ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, width]) };
}

export async function inference(feeds, context) {
  return context.session.run(feeds);
}

export async function postprocess(outputs, context) {
  const out = outputs[context.session.outputNames[0]];
  const [n, width] = out.dims;
  const rows = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(out.data.slice(i * width, (i + 1) * width)));
  return rows; // one answer per request, in order
}
`;

export interface InitResult {
  files: string[];
}

export async function initProject(dir: string, force: boolean): Promise<InitResult> {
  const target = resolve(dir);
  const files = {
    [join(target, 'mlserve.yaml')]: STARTER_YAML,
    [join(target, 'handler.js')]: EXAMPLE_HANDLER,
    [join(target, 'mlserve.schema.json')]: `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`,
  };
  const existing = Object.keys(files).filter((f) => existsSync(f));
  if (existing.length && !force) {
    throw new MlsError('MLS_ERR_INIT_EXISTS', `${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}`);
  }
  for (const [path, text] of Object.entries(files)) await writeFileAtomic(path, text);
  return { files: Object.keys(files) };
}
