// TorchServe's KServe envelope for images (ts/torch_handler/request_envelope/kserve.py and
// VisionHandler.preprocess): v1 instances {"data": "<base64>"} / {"b64": "<base64>"} reach an image
// handler as the decoded bytes, answered as {"predictions": [...]}; service_envelope=kserve does the
// same on /predictions. And `mlserve archive` warns about handlers serve will refuse.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureFixtureModels, OCR_CLS_DIR, OCR_CLS_MODEL, ocrImages } from '../../fixtures/index.js';
import { silentLogger } from '../../src/log.js';
import { startServer, type ServeHandle } from '../../src/serve/server.js';
import { binaryInstances } from '../../src/serve/http/kserve-envelope.js';
import { serveRefusal } from '../../src/archive/serve-support.js';
import { writeArchive } from '../../src/archive/writer.js';
import { testServerOptions } from './density-store.js';
import { addFolderArchive, tempStore } from './store.js';

let server: ServeHandle;
let store: string;
let upright: Buffer;
let rotated: Buffer;

before(async () => {
  const fx = await ensureFixtureModels();
  ({ upright, rotated } = await ocrImages());
  store = await tempStore();
  await addFolderArchive(store, {
    name: 'ocr',
    model: OCR_CLS_MODEL,
    handler: 'image_classifier',
    files: { 'index_to_name.json': await readFile(join(OCR_CLS_DIR, 'index_to_name.json')) },
    config: await readFile(join(OCR_CLS_DIR, 'model-config.yaml'), 'utf8'),
  });
  await addFolderArchive(store, { name: 'identity', model: fx.identity, handler: 'base_handler' });
  server = await startServer(testServerOptions(store, { serviceEnvelope: 'kserve' }), silentLogger);
});

after(async () => {
  await server?.close();
  await rm(store, { recursive: true, force: true });
});

async function post(url: string, body: unknown) {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function top(p: unknown): string {
  return Object.entries(p as Record<string, number>).sort((a, b) => b[1] - a[1])[0]![0];
}

describe('KServe v1 binary instances', () => {
  it('reach image_classifier as decoded bytes, one prediction per instance in order', async () => {
    const body = { instances: [{ data: upright.toString('base64') }, { b64: rotated.toString('base64') }, { image_bytes: { b64: upright.toString('base64') } }] };
    const r = await post(`${server.inference}/v1/models/ocr:predict`, body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const predictions = r.body.predictions as unknown[];
    assert.deepEqual(predictions.map(top), ['0', '180', '0']);
  });

  it('do the same on /predictions with service_envelope=kserve', async () => {
    const r = await post(`${server.inference}/predictions/ocr`, { instances: [{ data: rotated.toString('base64') }] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual((r.body.predictions as unknown[]).map(top), ['180']);
  });

  it('answer 400 for an instance that is not base64, and a bad image fails the request', async () => {
    assert.equal((await post(`${server.inference}/v1/models/ocr:predict`, { instances: [{ b64: 'not base64!' }] })).status, 400);
    const bad = await post(`${server.inference}/v1/models/ocr:predict`, { instances: [{ b64: upright.toString('base64') }, { b64: Buffer.from('nope').toString('base64') }] });
    assert.equal(bad.status, 400);
    assert.equal(typeof bad.body.error, 'string', 'KServe error body');
  });

  it('leave tensor instances to the handler (base_handler reads "instances" itself)', async () => {
    const r = await post(`${server.inference}/v1/models/identity:predict`, { instances: [[1, 2, 3, 4]] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.predictions, [[1, 2, 3, 4]]);
  });

  it('decode "data" only for image handlers; "b64" for every handler', () => {
    const b = Buffer.from('{"instances":[{"data":"aGk="}]}');
    assert.deepEqual(binaryInstances(b, 'image_classifier'), [Buffer.from('hi')]);
    assert.equal(binaryInstances(b, 'text_handler.py'), undefined, 'text handlers read "data" as text');
    assert.deepEqual(binaryInstances(Buffer.from('{"instances":[{"b64":"aGk="}]}'), 'my_handler.py'), [Buffer.from('hi')]);
    assert.equal(binaryInstances(Buffer.from('{"instances":[{"b64":"aGk="},[1,2]]}'), 'image_classifier'), undefined);
  });
});

describe('mlserve archive and what serve runs', () => {
  it('warns when a built-in handler serve does not run is archived over ONNX, and not otherwise', async () => {
    assert.match(serveRefusal('object_detector', 'm.onnx') ?? '', /object_detector/);
    assert.equal(serveRefusal('image_classifier', 'm.onnx'), undefined);
    assert.equal(serveRefusal('object_detector', 'm.pt'), undefined, 'built-ins over TorchScript are for the Python worker');
    assert.equal(serveRefusal('handler.py', 'm.onnx'), undefined);
    assert.match(serveRefusal('handler.js', 'm.pt') ?? '', /JavaScript handlers run over an ONNX model/);
    const fx = await ensureFixtureModels();
    const out = await tempStore();
    try {
      const base = { version: '1.0', serializedFile: fx.identity, exportPath: out, archiveFormat: 'no-archive' as const, force: false };
      const det = await writeArchive({ ...base, modelName: 'det', handler: 'object_detector' });
      assert.equal(det.warnings.length, 1);
      assert.match(det.warnings[0]!, /refuse this archive at registration/);
      assert.deepEqual((await writeArchive({ ...base, modelName: 'cls', handler: 'image_classifier' })).warnings, []);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
