// An mlserve JavaScript handler, on TorchServe's handler contract: a batch of requests in, a
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
  // Each request has .body (a Buffer) and .contentType; here every body is a JSON array of numbers,
  // or a KServe v2 request (what `mlserve loadtest` sends when it has no payload): its first input.
  const rows = requests.map((r) => {
    const doc = JSON.parse(r.body.toString('utf8'));
    return Array.isArray(doc) ? doc : doc.inputs[0].data;
  });
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
