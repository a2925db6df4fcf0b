// Tracing a .mar: the model comes out of the archive, and --write-archive rebuilds the archive
// around the optimized model, keeping the rest. The example is the real upright-text image,
// preprocessed as the archive's config says, given with --example.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { OCR_CLS_MODEL, OCR_CLS_DIR, ocrImages } from '../../fixtures/index.js';
import { preprocessImage, readImagePreprocess, OCR_CLS_CONFIG } from '../../fixtures/ocr-preprocess.js';
import { writeArchive } from '../../src/archive/writer.js';
import { extractArchive } from '../../src/archive/reader.js';
import { readProfiles } from '../../src/formats/profiles.js';
import { runCli } from '../helpers/cli.js';
import ort from 'onnxruntime-node';

let dir: string;
let mar: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlserve-trace-mar-'));
  const written = await writeArchive({
    modelName: 'ocr-cls',
    version: '1.0',
    serializedFile: OCR_CLS_MODEL,
    handler: 'image_classifier',
    extraFiles: [join(OCR_CLS_DIR, 'index_to_name.json')],
    configFile: OCR_CLS_CONFIG,
    exportPath: join(dir, 'model_store'),
    archiveFormat: 'default',
    force: false,
  });
  mar = written.path;
  const pixels = await preprocessImage((await ocrImages()).upright, await readImagePreprocess());
  await writeFile(join(dir, 'upright.json'), JSON.stringify({ x: { dims: [1, 3, 48, 192], data: Array.from(pixels) } }));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('mlserve trace model.mar --write-archive --example: profile points at the rebuilt archive holding the optimized model', async () => {
  const out = join(dir, 'profiles.yaml');
  const r = await runCli(['trace', mar, '--example', join(dir, 'upright.json'), '--write-archive', '--out', out, '--duration', '100ms', '--batch-size', '2', '--json']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const doc = await readProfiles(out);
  const p = doc.models[0]!;
  assert.equal(p.name, 'ocr-cls');
  assert.equal(p.archive, join('optimized', 'ocr-cls.mar'));
  const rebuilt = resolve(dirname(out), p.archive!);
  const ex = await extractArchive(rebuilt, join(dir, 'rebuilt'));
  assert.equal(ex.manifest.model.modelName, 'ocr-cls');
  assert.equal(ex.manifest.model.handler, 'image_classifier');
  assert.equal(ex.manifest.model.modelVersion, '1.0');
  assert.equal(ex.manifest.model.serializedFile, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
  assert.equal(ex.manifest.model.configFile, 'model-config.yaml');
  assert.deepEqual(JSON.parse(await readFile(join(ex.dir, 'index_to_name.json'), 'utf8')), JSON.parse(await readFile(join(OCR_CLS_DIR, 'index_to_name.json'), 'utf8')));
  const optimized = resolve(dirname(out), (p.measured as { optimizedModel: string }).optimizedModel);
  assert.ok((await readFile(ex.serializedFilePath!)).equals(await readFile(optimized)), 'the archive holds the optimized model');
  assert.ok(!(await readFile(ex.serializedFilePath!)).equals(await readFile(OCR_CLS_MODEL)), 'the optimized model differs from the original');

  // The optimized model in the rebuilt archive still reads real text orientation, opened as served.
  const session = await ort.InferenceSession.create(ex.serializedFilePath!, { graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  const cfg = await readImagePreprocess();
  const images = await ocrImages();
  for (const [image, want] of [[images.upright, 0], [images.rotated, 1]] as const) {
    const x = new ort.Tensor('float32', await preprocessImage(image, cfg), [1, 3, 48, 192]);
    const probs = (await session.run({ x }))['softmax_0.tmp_0']!.data as Float32Array;
    assert.ok(probs[want]! > 0.99, `class ${want}: ${[...probs].join(', ')}`);
  }
  await session.release();
});

test('an archive whose serialized file is not ONNX is refused with its code', async () => {
  const bad = await writeArchive({
    modelName: 'not-onnx',
    version: '1.0',
    serializedFile: join(OCR_CLS_DIR, 'index_to_name.json'),
    handler: 'base_handler',
    exportPath: join(dir, 'model_store'),
    archiveFormat: 'default',
    force: false,
  });
  const r = await runCli(['trace', bad.path, '--out', join(dir, 'bad.yaml'), '--json']);
  assert.equal(r.code, 3, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'MLS_ERR_TRACE_NO_MODEL_IN_ARCHIVE');
});
