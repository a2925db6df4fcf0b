// Integration: the real server on port 0 with real worker processes and real ONNX models.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureFixtureModels, OCR_CLS_MODEL, OCR_CLS_DIR, ocrImages } from '../../fixtures/index.js';
import { silentLogger } from '../../src/log.js';
import { writeArchive } from '../../src/archive/writer.js';
import { defaultOptions } from '../../src/serve/config.js';
import { startServer, type ServeHandle } from '../../src/serve/server.js';
import type { WorkerProcess } from '../../src/serve/frontend/worker-process.js';
import { addFolderArchive, tempStore, waitFor } from './store.js';
import { BATCH_PROBE, STAGED } from './handlers.js';

let server: ServeHandle;
let store: string;
let I: string;
let M: string;

async function post(path: string, body: string | Buffer | FormData, type = 'application/json') {
  const headers = body instanceof FormData ? undefined : { 'content-type': type };
  const res = await fetch(I + path, { method: 'POST', body, headers });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

async function mgmt(method: string, path: string) {
  const res = await fetch(M + path, { method });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & Array<Record<string, unknown>> };
}

before(async () => {
  const fx = await ensureFixtureModels();
  store = await tempStore();
  const staged = 'responseTimeout: 2\n';
  await addFolderArchive(store, { name: 'identity', model: fx.identity, handler: 'base_handler' });
  await addFolderArchive(store, { name: 'identity', version: '2.0', dirName: 'identity-v2', model: fx.identity, handler: 'base_handler' });
  // The OCR model as a real .mar (zip) written by the archive module, loaded as name=file.
  await writeArchive({
    modelName: 'ocr',
    version: '1.0',
    serializedFile: OCR_CLS_MODEL,
    handler: 'image_classifier',
    extraFiles: [join(OCR_CLS_DIR, 'index_to_name.json')],
    configFile: join(OCR_CLS_DIR, 'model-config.yaml'),
    exportPath: store,
    archiveFormat: 'default',
    force: false,
  });
  await addFolderArchive(store, { name: 'probe', model: fx.identity, handler: 'probe.mjs', files: { 'probe.mjs': BATCH_PROBE }, config: 'batchSize: 8\nmaxBatchDelay: 300\n' });
  await addFolderArchive(store, { name: 'probe1', model: fx.identity, handler: 'probe.mjs', files: { 'probe.mjs': BATCH_PROBE } });
  await addFolderArchive(store, { name: 'mlp', model: fx.mlp, handler: 'base_handler' });
  await addFolderArchive(store, { name: 'mlp8', model: fx.mlp, handler: 'base_handler', config: 'batchSize: 8\nmaxBatchDelay: 300\n' });
  await addFolderArchive(store, { name: 'staged', model: fx.identity, handler: 'staged.mjs', files: { 'staged.mjs': STAGED }, config: staged });
  // Not loaded at start: registered through the API.
  const badHandler = "export function initialize() { throw new Error('bad.mjs cannot initialize'); }\nexport function handle(r) { return r; }\n";
  await addFolderArchive(store, { name: 'badhandler', model: fx.identity, handler: 'bad.mjs', files: { 'bad.mjs': badHandler } });
  await addFolderArchive(store, { name: 'spare', model: fx.identity, handler: 'base_handler' });
  await mkdir(join(store, 'broken', 'MAR-INF'), { recursive: true });
  await writeFile(join(store, 'broken', 'MAR-INF', 'MANIFEST.json'), '{"model": {"modelName": "broken", "serializedFile": "model.pt", "handler": "probe.mjs", "modelVersion": "1.0"}, "runtime": "mlserve-js"}');
  await writeFile(join(store, 'broken', 'model.pt'), 'not a model');
  const opts = defaultOptions();
  Object.assign(opts, {
    modelStore: store,
    models: ['identity', 'ocr=ocr.mar', 'probe', 'probe1', 'mlp', 'mlp8', 'staged'],
    inference: { host: '127.0.0.1', port: 0 },
    management: { host: '127.0.0.1', port: 0 },
    metrics: { host: '127.0.0.1', port: 0 },
    jobQueueSize: 40,
    maxRequestSize: 1 << 20,
    // One worker per model whatever the machine's cores (the tests count frames per worker).
    defaultWorkersPerModel: 1,
    intraOpThreads: 1,
  });
  server = await startServer(opts, silentLogger);
  I = server.inference;
  M = server.management;
});

after(async () => {
  await server?.close();
  if (store) await rm(store, { recursive: true, force: true });
});

describe('inference API', () => {
  it('answers /ping, OPTIONS / and TorchServe errors', async () => {
    const ping = await fetch(`${I}/ping`);
    assert.equal(ping.status, 200);
    assert.deepEqual(await ping.json(), { status: 'Healthy' });
    const api = (await (await fetch(`${I}/`, { method: 'OPTIONS' })).json()) as { openapi: string; paths: Record<string, unknown> };
    assert.equal(api.openapi, '3.0.1');
    assert.ok(api.paths['/predictions/{model_name}']);
    const nf = await post('/predictions/nope', '[]');
    assert.equal(nf.status, 404);
    assert.deepEqual(nf.json(), { code: 404, type: 'ModelNotFoundException', message: 'Model not found: nope' });
    const nv = await post('/predictions/identity/9.9', '[]');
    assert.equal(nv.status, 404);
    assert.equal(nv.json().type, 'ModelVersionNotFoundException');
    const unknown = await fetch(`${I}/nothing-here`);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { type: string }).type, 'ResourceNotFoundException');
    assert.equal((await fetch(`${I}/predictions/identity`)).status, 405);
    assert.equal((await post('/predictions/%E0%A4%A', '[]')).status, 400);
  });

  it('runs base_handler on JSON and on raw float32 bytes', async () => {
    const r = await post('/predictions/identity', JSON.stringify([[1, 2, 3, 4], [5, 6, 7, 8]]));
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { output: [[1, 2, 3, 4], [5, 6, 7, 8]] });
    const single = await post('/predictions/identity/1.0', JSON.stringify({ input: [0.5, 1, 2, 3] }));
    assert.deepEqual(single.json(), { output: [0.5, 1, 2, 3] });
    const bin = await post('/predictions/identity', Buffer.from(Float32Array.from([9, 8, 7, 6]).buffer), 'application/octet-stream');
    assert.deepEqual(bin.json(), { output: [[9, 8, 7, 6]] });
    // Accept: application/octet-stream answers the output's raw bytes, described by x-tensor-* headers.
    for (const [body, type] of [[Buffer.from(Float32Array.from([9, 8, 7, 6, 1, 2, 3, 4]).buffer), 'application/octet-stream'], [JSON.stringify([[9, 8, 7, 6], [1, 2, 3, 4]]), 'application/json']] as const) {
      const raw = await fetch(`${I}/predictions/identity`, { method: 'POST', body, headers: { 'content-type': type, accept: 'application/octet-stream' } });
      assert.equal(raw.status, 200);
      assert.equal(raw.headers.get('content-type'), 'application/octet-stream');
      assert.deepEqual(['name', 'dtype', 'shape'].map((h) => raw.headers.get(`x-tensor-${h}`)), ['output', 'float32', '2,4']);
      assert.deepEqual([...new Float32Array(await raw.arrayBuffer())], [9, 8, 7, 6, 1, 2, 3, 4]);
    }
    const big = await post('/predictions/identity', Buffer.alloc(2 << 20), 'application/octet-stream');
    assert.equal(big.status, 413);
    assert.equal(big.json().type, 'RequestEntityTooLargeException');
    const bad = await post('/predictions/identity', 'not json');
    assert.equal(bad.status, 400);
    assert.equal(bad.json().type, 'BadRequestException');
  });

  it('classifies real text images sent as multipart form data (image_classifier, real OCR model)', async () => {
    const { upright, rotated } = await ocrImages();
    for (const [img, expected] of [[upright, '0'], [rotated, '180']] as const) {
      const form = new FormData();
      form.append('data', new Blob([img], { type: 'image/png' }), 'text.png');
      const r = await post('/predictions/ocr', form);
      assert.equal(r.status, 200, r.text);
      const probs = r.json() as Record<string, number>;
      const top = Object.entries(probs).sort((a, b) => b[1] - a[1])[0]!;
      assert.equal(top[0], expected);
      assert.ok(top[1] > 0.9, `confidence ${top[1]}`);
    }
    // A raw PNG body works too.
    const raw = await post('/predictions/ocr', upright, 'image/png');
    assert.equal(Object.keys(raw.json())[0], '0');
    const notImage = await post('/predictions/ocr', Buffer.from('nope'), 'image/png');
    assert.equal(notImage.status, 400);
  });

  it('forms batches from concurrent requests, and batched results equal unbatched ones', async () => {
    const probes = await Promise.all(Array.from({ length: 16 }, (_, i) => post('/predictions/probe', `r${i}`, 'text/plain')));
    const seen = probes.map((p) => p.json() as { batch: number; initialized: boolean; echo: string });
    assert.ok(Math.max(...seen.map((s) => s.batch)) > 1, `batch sizes ${seen.map((s) => s.batch)}`);
    seen.forEach((s, i) => assert.equal(s.echo, `r${i}`)); // each response went back to its own request
    assert.ok(seen.every((s) => s.initialized));

    const rows = Array.from({ length: 8 }, (_, i) => Array.from({ length: 16 }, (_, j) => Math.sin(i * 16 + j)));
    const batched = await Promise.all(rows.map((r) => post('/predictions/mlp8', JSON.stringify([r]))));
    const single: Array<Awaited<ReturnType<typeof post>>> = [];
    for (const r of rows) single.push(await post('/predictions/mlp', JSON.stringify([r])));
    const mlp8 = server.registry.get('mlp8');
    assert.ok(mlp8.queue.maxBatchSeen > 1, `largest batch ${mlp8.queue.maxBatchSeen}`);
    batched.forEach((b, i) => {
      const got = (b.json().probabilities as number[][])[0]!;
      const want = (single[i]!.json().probabilities as number[][])[0]!;
      got.forEach((v, k) => assert.ok(Math.abs(v - want[k]!) < 1e-5));
    });
  });

  it('keeps batch_size 1 when concurrent batches travel to the worker in groups: one request per handler call, each answer to its own request', async () => {
    const n = 24;
    const probes = await Promise.all(Array.from({ length: n }, (_, i) => post('/predictions/probe1', `q${i}`, 'text/plain')));
    const seen = probes.map((p) => p.json() as { batch: number; echo: string });
    assert.deepEqual(seen.map((s) => s.batch), Array.from({ length: n }, () => 1));
    assert.deepEqual(seen.map((s) => s.echo), Array.from({ length: n }, (_, i) => `q${i}`));
    // They reached the worker in fewer frames than batches: groups of several.
    const { sent } = server.registry.get('probe1').pool.workers[0] as WorkerProcess;
    assert.equal(sent.batches, n);
    assert.ok(sent.frames < n, `${sent.frames} frames for ${n} batches`);
  });

  it('fails only the request whose handler throws (5xx) and keeps serving', async () => {
    const ok = await post('/predictions/staged', '[1,2,3,4]');
    assert.deepEqual(ok.json(), { sum: 10 });
    const boom = await post('/predictions/staged', 'boom');
    assert.equal(boom.status, 503);
    assert.equal(boom.json().type, 'PredictionException');
    assert.match(String(boom.json().message), /boom requested/);
    assert.deepEqual((await post('/predictions/staged', '[1,1,1,1]')).json(), { sum: 4 });
  });

  it('answers 503 promptly when a worker dies or hangs, then replaces it', async () => {
    const pidBefore = server.registry.get('staged').pool.workers[0]!.pid;
    const died = await post('/predictions/staged', 'exit');
    assert.equal(died.status, 503);
    assert.equal(died.json().type, 'ServiceUnavailableException');
    await waitFor('a replacement worker', () => server.registry.get('staged').pool.workers.some((w) => w.status === 'READY' && w.pid !== pidBefore));
    const hung = await post('/predictions/staged', 'hang'); // response_timeout 2 s in model-config.yaml
    assert.equal(hung.status, 503);
    assert.match(String(hung.json().message), /did not answer within 2000 ms/, 'answered by the response timeout');
    await waitFor('a worker after the hang', () => server.registry.get('staged').pool.liveCount() === 1);
    assert.deepEqual((await post('/predictions/staged', '[2,2,2,2]')).json(), { sum: 8 });
  });

  it('survives a worker killed in the middle of a load: no request hangs, the worker comes back', async () => {
    const entry = server.registry.get('probe');
    const victim = entry.pool.workers[0]!.pid;
    const load = Promise.all(Array.from({ length: 30 }, (_, i) => post('/predictions/probe', `slow${i}`, 'text/plain')));
    await waitFor('requests in flight', () => entry.pool.workers.some((w) => w.inflight > 0));
    process.kill(victim, 'SIGKILL');
    const results = await load;
    const codes = results.map((r) => r.status);
    assert.ok(codes.every((c) => c === 200 || c === 503), `codes ${codes}`);
    assert.ok(codes.includes(503), 'the requests in flight on the killed worker failed');
    await waitFor('the probe worker back', () => entry.pool.workers.some((w) => w.status === 'READY' && w.pid !== victim));
    assert.equal((await post('/predictions/probe', 'again', 'text/plain')).status, 200);
    assert.equal((await fetch(`${I}/ping`)).status, 200);
  });

  it('answers 503 when the job queue is full', async () => {
    const burst = await Promise.all(Array.from({ length: 120 }, (_, i) => post('/predictions/probe', `q${i}`, 'text/plain')));
    const full = burst.filter((r) => r.status === 503);
    assert.ok(full.length > 0, 'some requests were refused');
    assert.match(String(full[0]!.json().message), /job queue is full/);
    assert.ok(burst.some((r) => r.status === 200));
  });
});

describe('KServe v1 and Open Inference Protocol v2', () => {
  const v2 = async (path: string, body?: unknown) => {
    const res = await fetch(I + path, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('answers health, metadata and readiness', async () => {
    assert.deepEqual((await v2('/v2/health/live')).body, { live: true });
    assert.deepEqual((await v2('/v2/health/ready')).body, { ready: true });
    const meta = (await v2('/v2/models/mlp')).body;
    assert.deepEqual(meta.inputs, [{ name: 'input', datatype: 'FP32', shape: [-1, 16] }]);
    assert.deepEqual(meta.outputs, [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 3] }]);
    assert.deepEqual((await v2('/v2/models/mlp/versions/1.0/ready')).body, { name: 'mlp', ready: true });
    assert.deepEqual((await v2('/v2/models/nope')).status, 404);
    assert.ok(((await v2('/v1/models')).body.models as string[]).includes('identity'));
    assert.deepEqual((await v2('/v1/models/identity')).body, { name: 'identity', ready: true });
  });

  it('predicts with KServe v1 instances and OIP v2 JSON tensors', async () => {
    const v1 = await v2('/v1/models/identity:predict', { instances: [[1, 2, 3, 4], [5, 6, 7, 8]] });
    assert.deepEqual(v1.body, { predictions: [[1, 2, 3, 4], [5, 6, 7, 8]] });
    const inf = await v2('/v2/models/identity/infer', { id: 'r1', inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] });
    assert.equal(inf.status, 200);
    assert.deepEqual(inf.body, { model_name: 'identity', model_version: '1.0', id: 'r1', outputs: [{ name: 'output', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] });
    const bad = await v2('/v2/models/identity/infer', { inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error), /do not fill shape/);
    assert.equal((await v2('/v2/models/nope/infer', { inputs: [] })).status, 404);
  });
});

describe('management API', () => {
  it('registers from the model store, refuses duplicates (409), unknown (404) and invalid archives (400)', async () => {
    const r = await mgmt('POST', '/models?url=spare&initial_workers=1&synchronous=true');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'Model "spare" Version: 1.0 registered with 1 initial workers' });
    assert.equal((await post('/predictions/spare', '[1,2,3,4]')).status, 200);
    const dup = await mgmt('POST', '/models?url=spare');
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body, { code: 409, type: 'ConflictStatusException', message: 'Model version 1.0 is already registered for model spare' });
    assert.equal((await mgmt('POST', '/models?url=missing.mar')).status, 404);
    const bad = await mgmt('POST', '/models?url=broken');
    assert.equal(bad.status, 400);
    assert.equal((await mgmt('POST', '/models?url=../etc')).status, 404);
    assert.deepEqual((await mgmt('POST', '/models')).body, { code: 400, type: 'BadRequestException', message: 'Parameter url is required.' });
    const zero = await mgmt('POST', '/models?url=spare&model_name=spare0');
    assert.match(String(zero.body.status), /registered with 0 initial workers/);
    const noWorker = await post('/predictions/spare0', '[1,2,3,4]');
    assert.equal(noWorker.status, 503);
    assert.match(String(noWorker.json().message), /has no worker to serve inference request/);
    assert.equal((await mgmt('DELETE', '/models/spare0')).status, 200);
    const failed = await mgmt('POST', '/models?url=badhandler&initial_workers=1&synchronous=true');
    assert.equal(failed.status, 500);
    assert.match(String(failed.body.message), /bad\.mjs cannot initialize/);
    assert.equal((await mgmt('GET', '/models/badhandler')).status, 404);
    const tuned = await mgmt('POST', '/models?url=spare&model_name=tuned&batch_size=4&max_batch_delay=20&response_timeout=9');
    assert.equal(tuned.status, 200);
    const d = (await mgmt('GET', '/models/tuned')).body[0]!;
    assert.deepEqual([d.batchSize, d.maxBatchDelay, d.responseTimeout, d.minWorkers], [4, 20, 9, 0]);
    assert.equal((await mgmt('DELETE', '/models/tuned')).status, 200);
  });

  it('lists with pagination and describes models', async () => {
    const page = await mgmt('GET', '/models?limit=2');
    assert.equal(page.status, 200);
    assert.equal(page.body.nextPageToken, '2');
    assert.deepEqual((page.body.models as Array<{ modelName: string }>).map((m) => m.modelName), ['identity', 'mlp']);
    const rest = await mgmt('GET', '/models?limit=100&next_page_token=2');
    assert.equal(rest.body.nextPageToken, undefined);
    assert.ok((rest.body.models as unknown[]).length >= 4);
    const d = await mgmt('GET', '/models/identity');
    const desc = d.body[0]!;
    assert.equal(desc.modelName, 'identity');
    assert.equal(desc.modelVersion, '1.0');
    assert.equal(desc.loadedAtStartup, true);
    // TorchServe's DescribeModelResponse fields, in its (Gson) order; null ones (deviceIds on CPU) absent.
    assert.deepEqual(Object.keys(desc), [
      'modelName', 'modelVersion', 'modelUrl', 'runtime', 'minWorkers', 'maxWorkers', 'batchSize', 'maxBatchDelay', 'responseTimeout', 'startupTimeout',
      'maxRetryTimeoutInSec', 'clientTimeoutInMills', 'parallelType', 'parallelLevel', 'deviceType', 'continuousBatching', 'useJobTicket', 'useVenv',
      'stateful', 'sequenceMaxIdleMSec', 'sequenceTimeoutMSec', 'maxNumSequence', 'maxSequenceJobQueueSize', 'loadedAtStartup', 'workers', 'jobQueueStatus',
      // mlserve's own, after TorchServe's fields: ONNX Runtime threads per worker.
      'intraOpThreads',
    ]);
    assert.equal(desc.startupTimeout, 120);
    assert.equal(desc.maxRetryTimeoutInSec, 300);
    const w = (desc.workers as Array<Record<string, unknown>>)[0]!;
    assert.equal(w.status, 'READY');
    assert.ok(Number(w.memoryUsage) > 0);
    assert.deepEqual(desc.jobQueueStatus, { remainingCapacity: 40, pendingRequests: 0 });
    assert.equal((await mgmt('GET', '/models/nope')).status, 404);
  });

  it('scales workers up and down (synchronous and not)', async () => {
    const up = await mgmt('PUT', '/models/spare?min_worker=2&synchronous=true');
    assert.equal(up.status, 200);
    assert.deepEqual(up.body, { status: 'Workers scaled to 2 for model: spare' });
    assert.equal(server.registry.get('spare').pool.liveCount(), 2);
    const pids = new Set((await Promise.all(Array.from({ length: 6 }, () => post('/predictions/spare', '[1,2,3,4]')))).map((r) => r.status));
    assert.deepEqual([...pids], [200]);
    const down = await mgmt('PUT', '/models/spare?min_worker=1');
    assert.equal(down.status, 202);
    assert.deepEqual(down.body, { status: 'Processing worker updates...' });
    await waitFor('scale down to 1', () => server.registry.get('spare').pool.workers.length === 1);
    assert.equal((await mgmt('PUT', '/models/spare?min_worker=3&max_worker=2')).status, 400);
    assert.equal((await mgmt('PUT', '/models/nope?min_worker=1')).status, 404);
  });

  it('handles versions: set-default, 403 on removing the default, unregister', async () => {
    const v2 = await mgmt('POST', '/models?url=identity-v2&initial_workers=1&synchronous=true');
    assert.equal(v2.status, 200, JSON.stringify(v2.body));
    const all = await mgmt('GET', '/models/identity/all');
    assert.deepEqual(all.body.map((d) => d.modelVersion).sort(), ['1.0', '2.0']);
    const sd = await mgmt('PUT', '/models/identity/1.0/set-default');
    assert.equal(sd.status, 200);
    // TorchServe's current message (its typo "vesion succsesfully" was fixed in ApiUtils.setDefault).
    assert.deepEqual(sd.body, { status: 'Default version successfully updated for model "identity" to "1.0"' });
    assert.equal((await mgmt('PUT', '/models/identity/7.0/set-default')).status, 404);
    const forbidden = await mgmt('DELETE', '/models/identity/1.0');
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.type, 'InvalidModelVersionException');
    assert.deepEqual((await mgmt('DELETE', '/models/identity/2.0')).body, { status: 'Model "identity" unregistered' });
    assert.equal((await post('/predictions/identity/2.0', '[1,2,3,4]')).status, 404);
    assert.equal((await mgmt('DELETE', '/models/spare')).status, 200);
    assert.equal((await post('/predictions/spare', '[1,2,3,4]')).status, 404);
    assert.equal((await mgmt('DELETE', '/models/spare')).status, 404);
  });
});

describe('metrics', () => {
  it('serves Prometheus text with per-model request counts', async () => {
    const base = server.metrics;
    const text = await (await fetch(`${base}/metrics`)).text();
    // TorchServe's labels: a request that names no version counts as model_version="default".
    const series = /ts_inference_requests_total\{model_name="identity",model_version="default",hostname="[^"]+"\} (\d+)/;
    const m = series.exec(text);
    assert.ok(m, text.slice(0, 500));
    await post('/predictions/identity', '[[1,2,3,4]]');
    const after = await (await fetch(`${base}/metrics`)).text();
    const n = series.exec(after);
    assert.equal(Number(n![1]), Number(m[1]) + 1);
    assert.match(after, /process_resident_memory_bytes/);
    const mem = /mlserve_worker_memory_bytes\{model_name="identity",model_version="1.0",device="cpu"\} (\d+)/.exec(after);
    assert.ok(mem && Number(mem[1]) > 10_000_000, 'a worker holds at least 10 MB');
    assert.match(after, /mlserve_model_load_seconds\{model_name="ocr",model_version="1.0",device="cpu"\} 0\.\d+|mlserve_model_load_seconds\{model_name="ocr",model_version="1.0",device="cpu"\} [1-9]/);
    assert.match(after, /mlserve_batches_total\{model_name="mlp8",model_version="1.0",device="cpu"\} [1-9]/);
    assert.equal((await fetch(`${base}/other`)).status, 404);
  });
});




describe('graceful shutdown', () => {
  it('finishes queued and in-flight requests, then refuses new ones', async () => {
    const entry = server.registry.get('probe');
    const before = entry.queue.accepted;
    const pending = Array.from({ length: 12 }, (_, i) => post('/predictions/probe', `s${i}`, 'text/plain'));
    await waitFor(`all requests received (${entry.queue.accepted - before})`, () => entry.queue.accepted - before === 12);
    const closing = server.close();
    const results = await Promise.all(pending);
    assert.deepEqual(results.map((r) => r.status), results.map(() => 200));
    await closing;
    await assert.rejects(fetch(`${I}/ping`));
  });
});
