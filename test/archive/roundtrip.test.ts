// Every format round-trips: written by writeArchive, read back by inspectArchive and
// extractArchive with the same files (byte for byte) and the same manifest.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import { extractArchive, inspectArchive } from '../../src/archive/reader.js';
import { serializeManifest } from '../../src/archive/manifest.js';
import { writeArchive } from '../../src/archive/writer.js';
import { ARCHIVE_FORMATS, type ArchiveProgress, type WriteArchiveOptions } from '../../src/archive/types.js';
import { OCR_CLS_MODEL } from '../../fixtures/index.js';
import { hasCommand, run } from '../../src/exec.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

let work: string;
let src: string;
const NOW = new Date(2024, 2, 5, 7, 8, 9);

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'mls-roundtrip-'));
  src = join(work, 'src');
  await mkdir(join(src, 'assets', 'vocab', '__pycache__'), { recursive: true });
  await mkdir(join(src, 'assets', '.git'), { recursive: true });
  await writeFile(join(src, 'handler.js'), 'export async function inference(session, batch) { return batch; }\n');
  await writeFile(join(src, 'index_to_name.json'), JSON.stringify({ 0: '0', 1: '180' }));
  await writeFile(join(src, 'model-config.yaml'), 'minWorkers: 1\nmaxWorkers: 2\nbatchSize: 4\nmaxBatchDelay: 50\n');
  await writeFile(join(src, 'requirements.txt'), 'onnxruntime\n');
  await writeFile(join(src, 'assets', 'labels.txt'), 'upright\nrotated\n');
  await writeFile(join(src, 'assets', 'vocab', 'words.txt'), 'a\nb\n');
  await writeFile(join(src, 'assets', 'vocab', '__pycache__', 'x.pyc'), 'compiled');
  await writeFile(join(src, 'assets', '.git', 'HEAD'), 'ref');
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

function options(format: (typeof ARCHIVE_FORMATS)[number], exportPath: string): WriteArchiveOptions {
  return {
    modelName: 'ocr-cls',
    version: '2.0',
    serializedFile: OCR_CLS_MODEL,
    handler: join(src, 'handler.js'),
    extraFiles: [join(src, 'index_to_name.json'), join(src, 'assets')],
    exportPath,
    archiveFormat: format,
    force: false,
    requirementsFile: join(src, 'requirements.txt'),
    configFile: join(src, 'model-config.yaml'),
    now: NOW,
  };
}

/** Where each archived file came from. */
const EXPECTED: Record<string, () => string> = {
  'ch_ppocr_mobile_v2.0_cls_infer.onnx': () => OCR_CLS_MODEL,
  'handler.js': () => join(src, 'handler.js'),
  'index_to_name.json': () => join(src, 'index_to_name.json'),
  'labels.txt': () => join(src, 'assets', 'labels.txt'),
  'vocab/words.txt': () => join(src, 'assets', 'vocab', 'words.txt'),
  'requirements.txt': () => join(src, 'requirements.txt'),
  'model-config.yaml': () => join(src, 'model-config.yaml'),
};

async function sha(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

async function tgzNames(path: string): Promise<string[]> {
  const ex = tarExtract();
  createReadStream(path).pipe(createGunzip()).pipe(ex);
  const names: string[] = [];
  for await (const entry of ex) {
    names.push(entry.header.name);
    entry.resume();
  }
  return names;
}

for (const format of ARCHIVE_FORMATS) {
  test(`${format}: write, inspect and extract give back the same files and manifest`, async () => {
    const out = join(work, `out-${format}`, 'nested'); // created if missing
    const progress: ArchiveProgress[] = [];
    const written = await writeArchive(options(format, out), (p) => progress.push(p));
    assert.equal(written.path, join(out, `ocr-cls${{ default: '.mar', 'zip-store': '.mar', tgz: '.tar.gz', 'no-archive': '' }[format]}`));
    assert.deepEqual([...written.files].sort(), Object.keys(EXPECTED).sort(), 'hidden folders and __pycache__ are left out');
    const last = progress.at(-1);
    assert.ok(last && last.bytes === last.totalBytes && last.totalBytes > 500_000, 'progress reaches the total');

    const info = await inspectArchive(written.path);
    assert.equal(info.format, format);
    assert.equal(info.kind, { default: 'zip', 'zip-store': 'zip', tgz: 'tgz', 'no-archive': 'folder' }[format]);
    assert.deepEqual(info.manifest, written.manifest);
    assert.equal(JSON.stringify(info.manifest), JSON.stringify(written.manifest), 'same key order');
    assert.equal(info.style, 'torchserve');
    assert.equal(info.handlerKind, 'javascript');
    const files = info.entries.filter((e) => e.type === 'file').map((e) => e.path);
    assert.deepEqual(files.sort(), [...Object.keys(EXPECTED), 'MAR-INF/MANIFEST.json'].sort());

    const dest = join(work, `x-${format}`, 'model');
    const ex = await extractArchive(written.path, dest);
    assert.equal(ex.inPlace, format === 'no-archive');
    const dir = ex.dir;
    for (const [name, source] of Object.entries(EXPECTED)) {
      assert.equal(await sha(join(dir, name)), await sha(source()), `${name} round-trips`);
    }
    assert.equal(await readFile(join(dir, 'MAR-INF', 'MANIFEST.json'), 'utf8'), serializeManifest(written.manifest));
    assert.equal(ex.serializedFilePath, join(dir, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'));
    assert.equal(ex.handlerPath, join(dir, 'handler.js'));
    assert.deepEqual(ex.modelConfig, { minWorkers: 1, maxWorkers: 2, batchSize: 4, maxBatchDelay: 50 });
    if (format === 'tgz') {
      const names = await tgzNames(written.path);
      assert.ok(names.every((n) => n.startsWith('ocr-cls/')), 'tgz entries are under <model-name>/');
      assert.equal(names.at(-1), 'ocr-cls/MAR-INF/MANIFEST.json');
    }
    if (format !== 'no-archive') assert.deepEqual(await readdir(join(work, `x-${format}`)), ['model'], 'no staging folder left behind');
  });
}

test('--force replaces an archive atomically; without it the old one is kept', async () => {
  const out = join(work, 'force');
  const first = await writeArchive({ ...options('default', out), version: '1.0' });
  const before = await readFile(first.path);
  await assert.rejects(writeArchive({ ...options('default', out), version: '2.0' }), { code: 'MLS_ERR_OUTPUT_EXISTS' });
  assert.deepEqual(await readFile(first.path), before);
  await writeArchive({ ...options('default', out), version: '3.0', force: true });
  assert.equal((await inspectArchive(first.path)).manifest.model.modelVersion, '3.0');
  await writeArchive({ ...options('no-archive', out), version: '1.0' });
  await writeArchive({ ...options('no-archive', out), version: '4.0', force: true, extraFiles: [] });
  assert.equal(existsSync(join(out, 'ocr-cls', 'labels.txt')), false, 'no-archive --force replaces the folder, no stale files');
  assert.deepEqual((await readdir(out)).sort(), ['ocr-cls', 'ocr-cls.mar'], 'no temporary files left');
});

test('extra files: glob patterns expand; a built-in handler is named, not copied', async () => {
  const out = join(work, 'glob');
  const r = await writeArchive({
    ...options('default', out),
    handler: 'image_classifier',
    extraFiles: [join(src, 'assets', '*.txt'), join(src, '*.json')],
    requirementsFile: undefined,
    configFile: undefined,
  });
  assert.deepEqual([...r.files].sort(), ['ch_ppocr_mobile_v2.0_cls_infer.onnx', 'index_to_name.json', 'labels.txt']);
  assert.equal(r.manifest.runtime, 'python');
  assert.equal(r.manifest.model.handler, 'image_classifier');
  const info = await inspectArchive(r.path);
  assert.equal(info.handlerKind, 'builtin');
});

test("Java's ZipInputStream (how TorchServe unzips a .mar) reads the default and zip-store archives", async (t) => {
  if (!(await hasCommand('java'))) {
    t.skip('java is not installed');
    return;
  }
  const out = join(work, 'java');
  const a = await writeArchive({ ...options('default', out), modelName: 'deflated' });
  const b = await writeArchive({ ...options('zip-store', out), modelName: 'stored' });
  const checker = join(PACKAGE_ROOT, 'test', 'archive', 'ZipInputStreamCheck.java');
  const r = await run('java', [checker, a.path, b.path], { timeout: 60_000 });
  assert.equal(r.exitCode, 0, String(r.stderr));
  const lines = String(r.stdout).trim().split('\n');
  assert.equal(lines.length, 2 * 8);
  const modelSize = (await readFile(OCR_CLS_MODEL)).length;
  assert.ok(lines.includes(`${b.path} ch_ppocr_mobile_v2.0_cls_infer.onnx ${modelSize}`));
  assert.ok(lines.includes(`${a.path} ch_ppocr_mobile_v2.0_cls_infer.onnx ${modelSize}`));
});
