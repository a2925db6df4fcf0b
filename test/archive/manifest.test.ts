// MAR-INF/MANIFEST.json matches torch-model-archiver 0.12 (keys, order, date format, JSON
// layout), and manifests from torch-model-archiver and MMS 1.0 are read with TorchServe's defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildManifest, formatCreatedOn, handlerKindOf, serializeManifest } from '../../src/archive/manifest.js';
import { parseManifest } from '../../src/archive/manifest-parse.js';
import { isMlsError } from '../../src/errors.js';
import type { WriteArchiveOptions } from '../../src/archive/types.js';

const base: WriteArchiveOptions = {
  modelName: 'resnet-18',
  version: '1.0',
  serializedFile: '/models/resnet18.onnx',
  handler: 'image_classifier',
  exportPath: '/tmp',
  archiveFormat: 'default',
  force: false,
};

test('createdOn is DD/MM/YYYY HH:MM:SS in local time, zero-padded', () => {
  assert.equal(formatCreatedOn(new Date(2024, 2, 5, 7, 8, 9)), '05/03/2024 07:08:09');
  assert.equal(formatCreatedOn(new Date(1999, 11, 31, 23, 59, 58)), '31/12/1999 23:59:58');
  assert.match(buildManifest(base, 'python').createdOn, /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
});

test("keys and order are torch-model-archiver's, paths reduced to base names", () => {
  const m = buildManifest(
    {
      ...base,
      now: new Date(2024, 0, 2, 3, 4, 5),
      modelFile: 'src/model.py',
      handler: 'handlers/my_handler.py',
      requirementsFile: 'deps/requirements.txt',
      configFile: 'conf/model-config.yaml',
    },
    'python',
  );
  assert.deepEqual(Object.keys(m), ['createdOn', 'runtime', 'model', 'archiverVersion']);
  assert.deepEqual(Object.keys(m.model), ['modelName', 'serializedFile', 'handler', 'modelFile', 'modelVersion', 'requirementsFile', 'configFile']);
  assert.equal(
    serializeManifest(m),
    [
      '{',
      '  "createdOn": "02/01/2024 03:04:05",',
      '  "runtime": "python",',
      '  "model": {',
      '    "modelName": "resnet-18",',
      '    "serializedFile": "resnet18.onnx",',
      '    "handler": "my_handler.py",',
      '    "modelFile": "model.py",',
      '    "modelVersion": "1.0",',
      '    "requirementsFile": "requirements.txt",',
      '    "configFile": "model-config.yaml"',
      '  },',
      '  "archiverVersion": "0.12.0"',
      '}',
    ].join('\n'),
  );
});

test('optional keys are left out; non-ASCII is escaped as Python json.dumps does', () => {
  const m = buildManifest({ ...base, serializedFile: undefined, handler: 'händler.py' }, 'python');
  assert.deepEqual(Object.keys(m.model), ['modelName', 'handler', 'modelVersion']);
  assert.match(serializeManifest(m), /"handler": "h\\u00e4ndler\.py"/);
});

test('handler kinds: built-in names, Python files, JavaScript files', () => {
  for (const h of ['base_handler', 'image_classifier', 'text_classifier', 'object_detector', 'image_segmenter']) assert.equal(handlerKindOf(h), 'builtin');
  assert.equal(handlerKindOf('handler.py:handle'), 'python');
  assert.equal(handlerKindOf('my_module'), 'python');
  assert.equal(handlerKindOf('dir/handler.mjs'), 'javascript');
  assert.equal(handlerKindOf('handler.js:handle'), 'javascript');
});

test('an MMS 1.0 manifest is read with TorchServe defaults (modelVersion 1.0)', () => {
  const mms = {
    runtime: 'python',
    model: { modelName: 'squeezenet_v1.1', handler: 'mxnet_vision_service:handle', description: 'SqueezeNet' },
    modelServerVersion: '1.0',
    implementationVersion: '1.0',
    specificationVersion: '1.0',
    engine: { engineName: 'MXNet' },
  };
  const { manifest, style } = parseManifest(JSON.stringify(mms), 'sq.mar');
  assert.equal(style, 'mms');
  assert.equal(manifest.model.modelVersion, '1.0');
  assert.equal(manifest.createdOn, '');
  assert.equal(manifest.model.description, 'SqueezeNet');
  assert.deepEqual(manifest.engine, { engineName: 'MXNet' });
  assert.deepEqual(Object.keys(manifest).slice(0, 4), ['createdOn', 'runtime', 'model', 'archiverVersion']);
});

test('a torch-model-archiver manifest round-trips through the parser unchanged', () => {
  const m = buildManifest({ ...base, configFile: 'model-config.yaml' }, 'python');
  const { manifest, style } = parseManifest(serializeManifest(m), 'r.mar');
  assert.equal(style, 'torchserve');
  assert.equal(JSON.stringify(manifest), JSON.stringify(m));
});

test('manifests TorchServe would refuse, or mlserve would misread, are refused with the field named', () => {
  const bad = (doc: unknown, field: RegExp) =>
    assert.throws(
      () => parseManifest(typeof doc === 'string' ? doc : JSON.stringify(doc), 'a.mar'),
      (e: unknown) => isMlsError(e) && e.code === 'MLS_ERR_ARCHIVE_BAD_MANIFEST' && field.test(e.message),
    );
  bad('not json', /\(document\)/);
  bad({ runtime: 'python' }, /model: missing/);
  bad({ model: { handler: 'x.py' } }, /model\.modelName/);
  bad({ runtime: 'java', model: { modelName: 'a' } }, /runtime: "java"/);
  bad({ runtime: 'python', model: { modelName: 'a', handler: 'handler.js' } }, /runtime: a JavaScript handler needs runtime mlserve-js/);
  bad({ runtime: 'mlserve-js', model: { modelName: 'a', handler: 'image_classifier' } }, /model\.handler/);
  bad({ model: { modelName: 'a', serializedFile: '/etc/passwd' } }, /model\.serializedFile/);
  bad({ model: { modelName: 'a', modelVersion: { major: 1 } } }, /model\.modelVersion: must be a string/);
});
