// Integration: Python handler workers (issue 17) in the real server, with real Python processes,
// beside Node workers. Each case cites the TorchServe behaviour it matches.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFixtureModels } from '../../fixtures/index.js';
import { silentLogger } from '../../src/log.js';
import { testServerOptions } from '../../fixtures/tiny-store.js';
import { startServer, type ServeHandle } from '../../src/serve/server.js';
import { addFolderArchive, tempStore, waitFor } from './store.js';
import { CLASS_HANDLER, ENTRY_POINT, IMPORT_ERROR, MAKE_CNN, MAKE_TORCHSCRIPT, MMS_SERVICE, TORCH_HANDLER } from './python-handlers.js';
import { OCR_IMAGE_FILES } from '../../fixtures/ocr-images.js';
import { readFile } from 'node:fs/promises';
import { BATCH_PROBE } from './handlers.js';
import { pythonWith } from './python-env.js';
import { PORTS0, startCli } from '../helpers/cli.js';

const SLEEPY = 'import time\n\ndef handle(data, context):\n    if data:\n        time.sleep(60)\n    return data\n';
/** SLEEPY that first says it is inside its handler: a file named by its pid in the temporary folder. */
const BUSY_SLEEPY = 'import os, tempfile, time\n\ndef handle(data, context):\n    if data:\n        open(os.path.join(tempfile.gettempdir(), "mlserve-busy-%d" % os.getpid()), "w").close()\n        time.sleep(60)\n    return data\n';

const python = await pythonWith();
const torchPython = await pythonWith('torch');
const visionPython = await pythonWith('torchvision');
const NO_VISION = visionPython ? false : 'no Python interpreter with torchvision (Debian: apt-get install python3-torchvision)';
// node:test prints these reasons beside the skipped tests.
const NO_PYTHON = python ? false : 'no python3 interpreter found (set MLSERVE_TEST_PYTHON)';
const NO_TORCH = torchPython ? false : 'no Python interpreter with torch (Debian: apt-get install python3-torch; .ci/run installs it)';

let server: ServeHandle;
let store: string;
let I: string;
let M: string;

async function post(path: string, body: string | Buffer | FormData, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(I + path, { method: 'POST', body, headers: body instanceof FormData ? undefined : headers });
  const buf = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, buf, text: buf.toString(), json: () => JSON.parse(buf.toString()) as Record<string, unknown> };
}

async function mgmt(method: string, path: string) {
  const res = await fetch(M + path, { method });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & Array<Record<string, unknown>> };
}

describe('Python handler workers', { skip: NO_PYTHON }, () => {
  before(async () => {
    const fx = await ensureFixtureModels();
    store = await tempStore();
    await addFolderArchive(store, { name: 'mms', handler: 'service.py', files: { 'service.py': MMS_SERVICE } });
    await addFolderArchive(store, { name: 'mms4', dirName: 'mms4', handler: 'service.py', files: { 'service.py': MMS_SERVICE }, config: 'batchSize: 4\nmaxBatchDelay: 300\n' });
    await addFolderArchive(store, { name: 'echo', handler: 'echo_handler', files: { 'echo_handler.py': CLASS_HANDLER } });
    await addFolderArchive(store, { name: 'entry', handler: 'entry.py:predict', files: { 'entry.py': ENTRY_POINT } });
    await addFolderArchive(store, { name: 'broken', handler: 'broken.py', files: { 'broken.py': IMPORT_ERROR } });
    await addFolderArchive(store, { name: 'nopython', handler: 'service.py', files: { 'service.py': MMS_SERVICE }, config: 'python: /nonexistent/python3\n' });
    await addFolderArchive(store, { name: 'js', model: fx.identity, handler: 'probe.mjs', files: { 'probe.mjs': BATCH_PROBE } });
    await addFolderArchive(store, { name: 'identity', model: fx.identity, handler: 'base_handler' });
    await addFolderArchive(store, { name: 'sleepy', handler: 'sleepy.py', files: { 'sleepy.py': BUSY_SLEEPY } });
    await addFolderArchive(store, { name: 'hang', handler: 'sleepy.py', files: { 'sleepy.py': SLEEPY }, config: 'responseTimeout: 1\n' });
    await addFolderArchive(store, { name: 'deps', handler: 'service.py', files: { 'service.py': MMS_SERVICE }, requirements: 'package-that-no-index-has==1.0\n' });
    const models = ['mms', 'mms4', 'echo', 'entry', 'js', 'identity', 'hang'];
    if (torchPython) {
      const pt = join(store, 'doubler.pt');
      execFileSync(torchPython, ['-c', MAKE_TORCHSCRIPT, pt], { timeout: 120_000 });
      await addFolderArchive(store, { name: 'doubler', model: pt, handler: 'doubler.py', files: { 'doubler.py': TORCH_HANDLER } });
      models.push('doubler');
    }
    if (visionPython && visionPython === torchPython) {
      const cnn = join(store, 'cnn.pt');
      execFileSync(visionPython, ['-c', MAKE_CNN, cnn], { timeout: 120_000 });
      await addFolderArchive(store, { name: 'cnn', model: cnn, handler: 'image_classifier', files: { 'index_to_name.json': '{"0": "cat", "1": "dog", "2": "fish"}' } });
      models.push('cnn');
    }
    const opts = testServerOptions(store, { models, python: torchPython ?? python, defaultStartupTimeoutSec: 60, installPyDepPerModel: true });
    server = await startServer(opts, silentLogger);
    I = server.inference;
    M = server.management;
  });

  after(async () => {
    await server?.close();
    if (store) await rm(store, { recursive: true, force: true });
  });

  it('runs an MMS-style handle(data, context): JSON decoded, text decoded, initialized with data=None', async () => {
    const r = await post('/predictions/mms', JSON.stringify({ a: [1, 2] }));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    const j = r.json();
    assert.deepEqual([j.body, j.type, j.content_type, j.initialized, j.model_name, j.gpu_id, j.request_id], [{ a: [1, 2] }, 'dict', 'application/json', true, 'mms', null, true]);
    const t = await post('/predictions/mms', 'hello', { 'content-type': 'text/plain' });
    assert.deepEqual([t.json().body, t.json().type], ['hello', 'str']);
    const b = await post('/predictions/mms', Buffer.from([1, 2, 3]), { 'content-type': 'application/octet-stream' });
    assert.equal(b.json().type, 'bytes');
  });

  it('passes request headers and returns the status and headers the handler set', async () => {
    const r = await post('/predictions/mms', 'teapot', { 'content-type': 'text/plain', 'x-probe': 'abc' });
    assert.equal(r.status, 418);
    assert.equal(r.headers.get('x-echo-header'), 'abc');
    const ok = await post('/predictions/mms', 'fine', { 'content-type': 'text/plain' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-echo-header'), 'None');
  });

  it('keeps the transport\'s framing headers and answers a status that is not HTTP with 500', async () => {
    const r = await post('/predictions/mms', 'framing', { 'content-type': 'text/plain' });
    assert.equal(r.status, 500);
    assert.equal(r.json().body, 'framing');
    assert.equal(r.headers.get('content-length'), String(r.buf.length));
  });

  it('hands batch_size 4 handlers lists of up to 4 requests', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => post('/predictions/mms4', JSON.stringify(i))));
    const sizes = answers.map((a) => Number(a.json().batch));
    assert.ok(sizes.every((n) => n >= 1 && n <= 4), `batch sizes ${sizes.join(',')}`);
    assert.ok(sizes.some((n) => n > 1), `no batch formed: ${sizes.join(',')}`);
    assert.equal(answers[0]!.json().batch_size, 4);
  });

  it('runs a class handler and echoes multipart bytes exactly, with the content type it set', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const form = new FormData();
    form.append('file', new Blob([bytes]), 'all-bytes.bin');
    const r = await post('/predictions/echo', form);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/x-echo');
    assert.deepEqual(r.buf, bytes);
  });

  it('calls a file.py:fn entry point; PredictionException sets the status', async () => {
    const r = await post('/predictions/entry', '{"x": 1}');
    assert.deepEqual(r.json(), { fn: 'predict', n: 1 });
    const missing = await post('/predictions/entry', 'missing', { 'content-type': 'text/plain' });
    assert.equal(missing.status, 404);
    assert.equal(missing.json().message, 'no such thing');
  });

  it('answers 503 for a handler that raises, and keeps serving', async () => {
    const r = await post('/predictions/mms', 'boom', { 'content-type': 'text/plain' });
    assert.equal(r.status, 503); // TorchServe: "Prediction failed" for an unchecked handler exception
    assert.equal(r.json().message, 'Prediction failed');
    assert.equal((await post('/predictions/mms', '1')).status, 200);
  });

  it('replaces a worker whose handler calls os._exit', async () => {
    const before = (await mgmt('GET', '/models/mms')).body[0]!.workers as Array<{ pid: number }>;
    const r = await post('/predictions/mms', 'exit', { 'content-type': 'text/plain' });
    assert.equal(r.status, 503);
    const replaced = await waitFor('a replacement worker', async () => {
      const ws = (await mgmt('GET', '/models/mms')).body[0]!.workers as Array<{ pid: number; status: string }>;
      return ws.find((w) => w.status === 'READY' && w.pid !== before[0]!.pid);
    });
    assert.ok(replaced.pid > 0);
    assert.equal((await post('/predictions/mms', '2')).status, 200);
  });

  it('fails the registration of a handler that does not import, with the Python message and no paths', async () => {
    const r = await mgmt('POST', '/models?url=broken&initial_workers=1&synchronous=true');
    assert.equal(r.status, 500);
    assert.match(String(r.body.message), /ModuleNotFoundError: No module named 'module_that_does_not_exist'/);
    assert.doesNotMatch(String(r.body.message), /mlserve-store-|\/tmp\//);
    assert.equal((await mgmt('GET', '/models/broken')).status, 404);
  });

  it('refuses a model whose interpreter is missing with a coded error, and stays up', async () => {
    const r = await mgmt('POST', '/models?url=nopython&initial_workers=1&synchronous=true');
    assert.equal(r.status, 500);
    assert.match(String(r.body.message), /\/nonexistent\/python3/);
    assert.equal((await fetch(`${I}/ping`)).status, 200);
  });

  it('replaces a Python worker that hangs past responseTimeout (503 for its request)', async () => {
    const before = (await mgmt('GET', '/models/hang')).body[0]!.workers as Array<{ pid: number }>;
    const r = await post('/predictions/hang', 'x', { 'content-type': 'text/plain' });
    assert.equal(r.status, 503);
    await waitFor('a replacement worker', async () => {
      const ws = (await mgmt('GET', '/models/hang')).body[0]!.workers as Array<{ pid: number; status: string }>;
      return ws.find((w) => w.status === 'READY' && w.pid !== before[0]!.pid);
    });
  });

  it('install_py_dep_per_model: a requirements file pip cannot install fails the registration with pip\'s words', async () => {
    process.env.PIP_NO_INDEX = '1'; // no index here either way: fail fast instead of retrying the network
    try {
      const r = await mgmt('POST', '/models?url=deps&initial_workers=1&synchronous=true');
      assert.equal(r.status, 500);
      assert.match(String(r.body.message), /pip could not install requirements\.txt/);
      assert.equal((await mgmt('GET', '/models/deps')).status, 404);
    } finally {
      delete process.env.PIP_NO_INDEX;
    }
  });

  it('serves JavaScript and Python models side by side', async () => {
    const [js, py, onnx] = await Promise.all([post('/predictions/js', 'x', { 'content-type': 'text/plain' }), post('/predictions/mms', '3'), post('/predictions/identity', '[[1,2,3,4]]')]);
    assert.equal(js.json().echo, 'x');
    assert.equal(py.json().body, 3);
    assert.deepEqual(onnx.json(), { output: [[1, 2, 3, 4]] });
  });

  it('answers explanations as TorchServe: 503 from handlers without them', async () => {
    const r = await post('/explanations/identity', '[[1,2,3,4]]');
    assert.equal(r.status, 503);
    const v1 = await post('/v1/models/identity:explain', '{"instances": [[1,2,3,4]]}');
    assert.equal(v1.status, 503);
    const v2 = await post('/v2/models/identity/explain', '{}');
    assert.equal(v2.status, 503);
  });

  it('runs TorchServe\'s image_classifier built-in over a TorchScript CNN: labels from index_to_name.json', { skip: NO_VISION }, async () => {
    const r = await post('/predictions/cnn', await readFile(OCR_IMAGE_FILES.upright), { 'content-type': 'image/png' });
    assert.equal(r.status, 200, r.text);
    const probs = r.json() as Record<string, number>;
    assert.deepEqual(Object.keys(probs).sort(), ['cat', 'dog', 'fish']);
    assert.ok(Math.abs(Object.values(probs).reduce((a, b) => a + b, 0) - 1) < 1e-4);
  });

  it('leaves no Python worker behind when the frontend is killed, even one busy in its handler', async () => {
    const s = startCli(['serve', '--model-store', store, '--models', 'sleepy', '--python', python!, ...PORTS0, '--pid-file', join(store, 'k.pid'), '--no-snapshot', '--json']);
    const ready = await s.ready;
    const d = (await (await fetch(`${ready.management}/models/sleepy`)).json()) as Array<{ workers: Array<{ pid: number }> }>;
    const workerPid = d[0]!.workers[0]!.pid;
    // The worker is inside its handler (time.sleep) when the frontend dies: only PR_SET_PDEATHSIG ends it then.
    const busy = fetch(`${ready.inference}/predictions/sleepy`, { method: 'POST', body: 'x' }).catch(() => undefined);
    const busyMarker = join(tmpdir(), `mlserve-busy-${workerPid}`);
    await waitFor('the worker to be inside its handler', () => existsSync(busyMarker));
    await rm(busyMarker, { force: true });
    s.child.kill('SIGKILL');
    await s.exit;
    await busy;
    await waitFor('the Python worker to exit', () => {
      try {
        process.kill(workerPid, 0);
        return false;
      } catch {
        return true;
      }
    });
  });

  it('runs a BaseHandler subclass over a TorchScript model, its explain_handle and its metrics', { skip: NO_TORCH }, async () => {
    const r = await post('/predictions/doubler', '[1, 2, 3, 4]');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [2, 4, 6, 8]);
    const e = await post('/explanations/doubler', '[1, 2, 3, 4]');
    assert.deepEqual(e.json(), { explained: [1, 2, 3, 4] });
    const v1 = await post('/v1/models/doubler:explain', '[0, 1, 0, 1]');
    assert.deepEqual(v1.json(), { explained: [0, 1, 0, 1] });
    const text = await (await fetch(`${server.metrics}/metrics`)).text();
    assert.match(text, /DoublerRows\{[^}]*model_name="doubler"[^}]*\} [1-9]/);
  });
});

