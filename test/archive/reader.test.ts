// Archives mlserve did not write: MMS 1.0's, tgz files without the <model-name>/ folder, folders
// one level down (SageMaker's layout), and destinations that must not be clobbered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractArchive, inspectArchive } from '../../src/archive/reader.js';
import { isMlsError } from '../../src/errors.js';
import { buildTgz, buildZip, manifestText } from './hostile-archives.js';

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'mls-reader-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const code = (c: string) => (e: unknown) => isMlsError(e) && e.code === c;

test("an MMS 1.0 model-archiver .mar is read (style mms, TorchServe's defaults)", async () => {
  const mms = JSON.stringify({
    runtime: 'python',
    model: { modelName: 'squeezenet', handler: 'mxnet_vision_service:handle' },
    modelServerVersion: '1.0',
    implementationVersion: '1.0',
    specificationVersion: '1.0',
  });
  const path = join(work, 'squeezenet.mar');
  await writeFile(path, buildZip([{ name: 'squeezenet-symbol.json', data: Buffer.from('{}') }, { name: 'MAR-INF/MANIFEST.json', data: Buffer.from(mms), deflate: true }]));
  const info = await inspectArchive(path);
  assert.equal(info.style, 'mms');
  assert.equal(info.format, 'default', 'one deflated entry makes it a default (deflated) archive');
  assert.equal(info.manifest.model.modelVersion, '1.0');
  const ex = await extractArchive(path, join(work, 'sq'));
  assert.equal(ex.handlerKind, 'python');
  assert.ok(existsSync(join(ex.dir, 'squeezenet-symbol.json')));
});

test('a tgz with files at the top (no <model-name>/ folder) is read too', async () => {
  const path = join(work, 'flat.tar.gz');
  await writeFile(path, await buildTgz([{ name: './model.onnx', data: Buffer.alloc(64, 1) }, { name: './MAR-INF/MANIFEST.json', data: Buffer.from(manifestText('flat')) }]));
  const info = await inspectArchive(path);
  assert.deepEqual(info.entries.map((e) => e.path).sort(), ['MAR-INF/MANIFEST.json', 'model.onnx']);
  const ex = await extractArchive(path, join(work, 'flat'));
  assert.equal(ex.serializedFilePath, join(work, 'flat', 'model.onnx'));
});

test('a folder holding the model one level down is read in place', async () => {
  const outer = join(work, 'sagemaker');
  await mkdir(join(outer, 'model', 'MAR-INF'), { recursive: true });
  await writeFile(join(outer, 'model', 'model.onnx'), Buffer.alloc(8));
  await writeFile(join(outer, 'model', 'MAR-INF', 'MANIFEST.json'), manifestText('sm'));
  const ex = await extractArchive(outer, join(work, 'unused'));
  assert.equal(ex.inPlace, true);
  assert.equal(ex.dir, join(outer, 'model'));
  assert.equal(existsSync(join(work, 'unused')), false);
});

test('a folder with a symbolic link leading out is refused', async () => {
  const dir = join(work, 'linked');
  await mkdir(join(dir, 'MAR-INF'), { recursive: true });
  await writeFile(join(dir, 'model.onnx'), Buffer.alloc(8));
  await writeFile(join(dir, 'MAR-INF', 'MANIFEST.json'), manifestText('ln'));
  const { symlink } = await import('node:fs/promises');
  await symlink('/etc', join(dir, 'etc'));
  await assert.rejects(inspectArchive(dir), code('MLS_ERR_ARCHIVE_SYMLINK_ESCAPE'));
});

test('extraction never merges into a non-empty destination, and a bad model config leaves nothing', async () => {
  const path = join(work, 'ok.mar');
  await writeFile(path, buildZip([{ name: 'model.onnx', data: Buffer.alloc(8) }, { name: 'MAR-INF/MANIFEST.json', data: Buffer.from(manifestText('ok')) }]));
  const dest = join(work, 'busy');
  await mkdir(dest);
  await writeFile(join(dest, 'mine.txt'), 'keep me');
  await assert.rejects(extractArchive(path, dest), code('MLS_ERR_OUTPUT_EXISTS'));
  assert.deepEqual(await readdir(dest), ['mine.txt']);

  const badConfig = join(work, 'badcfg.mar');
  await writeFile(
    badConfig,
    buildZip([
      { name: 'model.onnx', data: Buffer.alloc(8) },
      { name: 'model-config.yaml', data: Buffer.from('batchSize: [1, 2\n') },
      { name: 'MAR-INF/MANIFEST.json', data: Buffer.from(manifestText('cfg', { configFile: 'model-config.yaml' })) },
    ]),
  );
  const cfgDest = join(work, 'cfg', 'dest');
  await assert.rejects(extractArchive(badConfig, cfgDest), code('MLS_ERR_ARCHIVE_BAD_CONFIG'));
  assert.deepEqual(await readdir(join(work, 'cfg')), [], 'neither the destination nor a staging folder is left');
});
