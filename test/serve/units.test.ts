// Unit tests of the serve pieces that need no server: frames, tensors, config.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFrame, FrameReader, type Frame } from '../../src/serve/ipc/frames.js';
import { decodeInfer, decodeResults, encodeInfer, encodeResults, type InferItem } from '../../src/serve/ipc/messages.js';
import { concatBatch, fromBytes, fromNested, splitBatch, toNested } from '../../src/serve/handlers/tensors.js';
import { applyConfigFile, defaultOptions, parseAddress, parseModelList, parseProperties } from '../../src/serve/config.js';
import { storePath } from '../../src/serve/model-archive.js';
import { resolveServeOptions } from '../../src/serve/run.js';
import { readSnapshot } from '../../src/serve/snapshot.js';
import { memoryLogger } from '../../src/log.js';
import { MlsError } from '../../src/errors.js';

describe('frames', () => {
  it('decode what was encoded, whatever the chunking', () => {
    const payload = Buffer.from(Float32Array.from([1.5, -2, 3]).buffer);
    const bytes = Buffer.concat([
      ...encodeFrame(5, 7, { m: 'a/1', items: [] }, payload),
      ...encodeFrame(3, 8, undefined),
      ...encodeFrame(6, 9, { r: [[200, 'x', 0]] }, Buffer.alloc(0)),
    ]);
    for (const step of [1, 3, 13, bytes.length]) {
      const got: Frame[] = [];
      const reader = new FrameReader((f) => got.push(f));
      for (let i = 0; i < bytes.length; i += step) reader.push(bytes.subarray(i, i + step));
      assert.deepEqual(got.map((f) => [f.type, f.id]), [[5, 7], [3, 8], [6, 9]]);
      assert.deepEqual(got[0]!.header, { m: 'a/1', items: [] });
      assert.deepEqual(Array.from(new Float32Array(Uint8Array.from(got[0]!.payload).buffer)), [1.5, -2, 3]);
      assert.equal(got[1]!.header, undefined);
    }
    // A length split across chunks, then the rest of several frames in one chunk.
    const got: Frame[] = [];
    const reader = new FrameReader((f) => got.push(f));
    reader.push(bytes.subarray(0, 2));
    reader.push(bytes.subarray(2));
    assert.deepEqual(got.map((f) => f.id), [7, 8, 9]);
  });

  it('refuses a corrupt length', () => {
    const reader = new FrameReader(() => {});
    assert.throws(() => reader.push(Buffer.from([0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0])), /corrupt frame length/);
  });

  it('carries groups of batches and their results by position', () => {
    const items: InferItem[] = [
      { parts: [{ name: 'body', contentType: 'application/json', body: Buffer.from('[1]') }] },
      { parts: [{ name: 'data', contentType: 'image/png', body: Buffer.from([1, 2, 3]) }, { name: 'k', contentType: 'text/plain', body: Buffer.from('v') }] },
    ];
    const parts = (its: InferItem[]) => its.map((i) => i.parts.map((p) => [p.name, p.contentType, p.body.toString('hex')]));
    const enc = encodeInfer([{ modelKey: 'm/1', items }, { modelKey: 'n/2', items: [items[1]!] }]);
    const dec = decodeInfer(JSON.parse(JSON.stringify(enc.header)), Buffer.concat(enc.payload));
    assert.deepEqual(dec.map((b) => b.modelKey), ['m/1', 'n/2']);
    assert.deepEqual(parts(dec[0]!.items), parts(items));
    assert.deepEqual(parts(dec[1]!.items), parts([items[1]!]));
    const res = encodeResults([
      { group: 7, index: 1, results: [{ status: 200, contentType: 'a', body: Buffer.from('x') }, { status: 503, contentType: 'b', body: Buffer.from('yz') }] },
      { group: 9, index: 0, results: [{ status: 400, contentType: 'c', body: Buffer.from('w') }] },
    ]);
    const got = decodeResults(JSON.parse(JSON.stringify(res.header)), Buffer.concat(res.payload));
    assert.deepEqual(got.map((b) => [b.group, b.index, b.results.map((r) => [r.status, r.contentType, r.body.toString()])]), [
      [7, 1, [[200, 'a', 'x'], [503, 'b', 'yz']]],
      [9, 0, [[400, 'c', 'w']]],
    ]);
  });

  it('carry request headers only for batches that have them, and response headers back', () => {
    const plain: InferItem = { parts: [{ name: 'body', contentType: 'text/plain', body: Buffer.from('a') }] };
    const withHeaders: InferItem = { parts: [{ name: 'body', contentType: 'text/plain', body: Buffer.from('b') }], headers: { 'x-k': 'v', explain: 'True' } };
    const enc = encodeInfer([{ modelKey: 'm/1', items: [plain] }, { modelKey: 'm/1', items: [plain, withHeaders] }]);
    // The hot path (no headers) keeps the two-element batch form.
    assert.equal(enc.header.b[0]!.length, 2);
    assert.deepEqual(enc.header.b[1]![2], [null, { 'x-k': 'v', explain: 'True' }]);
    const dec = decodeInfer(JSON.parse(JSON.stringify(enc.header)), Buffer.concat(enc.payload));
    assert.deepEqual(dec.map((b) => b.items.map((i) => i.headers ?? null)), [[null], [null, { 'x-k': 'v', explain: 'True' }]]);
    const res = encodeResults([{ group: 1, index: 0, results: [{ status: 418, contentType: 't', body: Buffer.from('x'), headers: { 'x-a': '1' } }, { status: 200, contentType: 't', body: Buffer.from('y') }] }]);
    assert.equal(res.header.r[0]![2][1]!.length, 3);
    const got = decodeResults(JSON.parse(JSON.stringify(res.header)), Buffer.concat(res.payload))[0]!.results;
    assert.deepEqual(got.map((r) => [r.status, r.headers ?? null, r.body.toString()]), [[418, { 'x-a': '1' }, 'x'], [200, null, 'y']]);
  });
});

describe('tensors', () => {
  it('converts nested arrays, concatenates along the batch and splits back', () => {
    const a = fromNested([[1, 2], [3, 4]], 'float32', 'x');
    const b = fromNested([[5, 6]], 'float32', 'x');
    const joined = concatBatch([a, b])!;
    assert.deepEqual(joined.dims, [3, 2]);
    const [pa, pb] = splitBatch(joined, [2, 1]);
    assert.deepEqual(toNested(pa!), [[1, 2], [3, 4]]);
    assert.deepEqual(toNested(pb!), [[5, 6]]);
    assert.equal(concatBatch([a, fromNested([[1, 2, 3]], 'float32', 'x')]), null);
    assert.deepEqual(toNested(fromNested([[7, 8]], 'int64', 'ids')), [[7, 8]]);
  });

  it('names the element of a ragged or non-numeric tensor', () => {
    assert.throws(() => fromNested([[1, 2], [3]], 'float32', 'x'), /x\[1\]: ragged/);
    assert.throws(() => fromNested([[1, 'a']], 'float32', 'x'), /x\[0\]\[1\]: expected a number/);
  });

  it('reads raw little-endian rows and refuses partial rows', () => {
    const t = fromBytes(Buffer.from(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]).buffer), 'float32', [4], 'x');
    assert.deepEqual(t.dims, [2, 4]);
    assert.throws(() => fromBytes(Buffer.alloc(12), 'float32', [4], 'x'), /not a whole number/);
  });
});

describe('config', () => {
  it('turns on the shared worker group when a model memory budget is given', async () => {
    const o = await resolveServeOptions({ maxModelMemory: 2e9, modelControl: 'poll', snapshot: false }, memoryLogger());
    assert.equal(o.maxModelMemory, 2e9);
    assert.ok(o.sharedWorkers >= 1);
    assert.equal(o.modelControl, 'poll');
    assert.equal((await resolveServeOptions({ sharedWorkers: 3, snapshot: false }, memoryLogger())).sharedWorkers, 3);
    assert.equal((await resolveServeOptions({ snapshot: false }, memoryLogger())).sharedWorkers, 0);
  });

  it('parses addresses and model lists', () => {
    assert.deepEqual(parseAddress('http://0.0.0.0:8080', 'x'), { host: '0.0.0.0', port: 8080 });
    assert.deepEqual(parseAddress(':0', 'x'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseAddress('[::1]:9', 'x'), { host: '::1', port: 9 });
    assert.throws(() => parseAddress('https://h:1', 'x'), (e: MlsError) => e.code === 'MLS_ERR_SERVE_ADDRESS');
    assert.throws(() => parseAddress('h:70000', 'x'), (e: MlsError) => e.code === 'MLS_ERR_SERVE_ADDRESS');
    assert.equal(parseModelList('all'), 'all');
    assert.deepEqual(parseModelList('a=a.mar, b.mar'), ['a=a.mar', 'b.mar']);
  });

  it('applies config.properties, warns on TorchServe keys it ignores, refuses unknown keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlserve-cfg-'));
    try {
      const file = join(dir, 'config.properties');
      await writeFile(file, '# c\ninference_address=http://127.0.0.1:9090\njob_queue_size = 5\nload_models=all\nvmargs=-Xmx1g\n');
      const opts = defaultOptions();
      const log = memoryLogger();
      await applyConfigFile(opts, file, log);
      assert.deepEqual(opts.inference, { host: '127.0.0.1', port: 9090 });
      assert.equal(opts.jobQueueSize, 5);
      assert.equal(opts.models, 'all');
      assert.match(log.lines.join('\n'), /vmargs is a TorchServe setting/);
      await writeFile(file, 'job_queue_size=lots\n');
      await assert.rejects(applyConfigFile(defaultOptions(), file, log), (e: MlsError) => e.code === 'MLS_ERR_SERVE_CONFIG');
      // TorchServe's metrics_mode and service_envelope are honoured; other values are refused.
      await writeFile(file, 'metrics_mode=log\nservice_envelope=kserve\n');
      const honoured = defaultOptions();
      await applyConfigFile(honoured, file, log);
      assert.deepEqual([honoured.metricsMode, honoured.serviceEnvelope], ['log', 'kserve']);
      await writeFile(file, 'metrics_mode=verbose\n');
      await assert.rejects(applyConfigFile(defaultOptions(), file, log), (e: MlsError) => e.code === 'MLS_ERR_SERVE_CONFIG' && /metrics_mode/.test(e.message));
      await writeFile(file, 'service_envelope=json\n');
      await assert.rejects(applyConfigFile(defaultOptions(), file, log), (e: MlsError) => e.code === 'MLS_ERR_SERVE_CONFIG' && /service_envelope/.test(e.message));
      await writeFile(file, 'no_such_key=1\n');
      await assert.rejects(applyConfigFile(defaultOptions(), file, log), (e: MlsError) => e.code === 'MLS_ERR_SERVE_CONFIG' && /no_such_key/.test(e.message));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.equal(parseProperties('a: 1\n!x\nb=2').get('a'), '1');
  });

  it('refuses a damaged snapshot with the field named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlserve-snap-'));
    try {
      const file = join(dir, 's.json');
      assert.equal(await readSnapshot(file), undefined);
      await writeFile(file, JSON.stringify({ apiVersion: 'mlserve/v1', kind: 'ServeSnapshot', savedAt: 'x', models: [{ name: 'a', version: '1.0', url: 'a.mar', isDefault: true, minWorkers: -1, maxWorkers: 1, batchSize: 1, maxBatchDelay: 0, responseTimeout: 1 }] }));
      await assert.rejects(readSnapshot(file), (e: MlsError) => e.code === 'MLS_ERR_SERVE_CONFIG' && /models\.0\.minWorkers/.test(e.message));
      await writeFile(file, '{oops');
      await assert.rejects(readSnapshot(file), (e: MlsError) => e.code === 'MLS_ERR_SERVE_CONFIG');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps archive names inside the model store', () => {
    assert.equal(storePath('/s', 'a.mar'), '/s/a.mar');
    for (const bad of ['../a.mar', 'sub/a.mar', '/etc/passwd']) {
      assert.throws(() => storePath('/s', bad), (e: MlsError) => e.code === 'MLS_ERR_SERVE_MODEL_NOT_FOUND');
    }
    assert.throws(() => storePath('/s', 'https://x/a.mar'), (e: MlsError) => e.code === 'MLS_ERR_SERVE_INVALID_ARCHIVE');
  });
});

describe('worker kind and Python interpreter', () => {
  it('runs .py handlers and built-ins over torch models in Python, ONNX built-ins and .js handlers in Node', async () => {
    const { workerKindFor } = await import('../../src/serve/frontend/worker-kind.js');
    assert.equal(workerKindFor('handler.py', undefined), 'python');
    assert.equal(workerKindFor('handler.py:fn', '/m/model.onnx'), 'python');
    assert.equal(workerKindFor('my_handler', '/m/model.pt'), 'python');
    assert.equal(workerKindFor('image_classifier', '/m/model.pt'), 'python');
    assert.equal(workerKindFor('base_handler', undefined), 'python');
    assert.equal(workerKindFor('image_classifier', '/m/model.onnx'), 'node');
    assert.equal(workerKindFor('base_handler', '/m/labels.json'), 'node'); // refused later: not ONNX
    assert.equal(workerKindFor('handler.mjs', '/m/model.onnx'), 'node');
  });

  it('refuses a missing interpreter with MLS_ERR_SERVE_PYTHON_NOT_FOUND, naming where it came from', async () => {
    const { choosePython } = await import('../../src/serve/frontend/python-env.js');
    await assert.rejects(choosePython({ python: '/nonexistent/python3' }, undefined, 'm'), (e: MlsError) => e.code === 'MLS_ERR_SERVE_PYTHON_NOT_FOUND' && /model-config\.yaml of m/.test(e.message));
    await assert.rejects(choosePython({}, 'no-such-python-here', 'm'), (e: MlsError) => e.code === 'MLS_ERR_SERVE_PYTHON_NOT_FOUND' && /--python/.test(e.message));
    assert.equal(await choosePython({}, process.execPath, 'm'), process.execPath);
  });
});
