// Every bad input to `mlserve archive` gets its code and a non-zero exit, through the CLI for the
// issue's list and through writeArchive for the rest; nothing is left half-written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArchive } from '../../src/archive/writer.js';
import type { WriteArchiveOptions } from '../../src/archive/types.js';
import { isMlsError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';

let work: string;
let model: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'mls-badinput-'));
  model = join(work, 'model.onnx');
  await writeFile(model, Buffer.alloc(4096, 3));
  await writeFile(join(work, 'a-file'), 'not a folder');
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const args = (extra: string[], out = join(work, 'out')) => [
  'archive',
  '--model-name',
  'm',
  '-v',
  '1.0',
  '--serialized-file',
  model,
  '--handler',
  'base_handler',
  '--export-path',
  out,
  '--json',
  ...extra,
];

async function expectCli(argv: string[], code: string, exit: number): Promise<void> {
  const r = await runCli(argv);
  assert.equal(r.code, exit, r.stderr);
  assert.equal(JSON.parse(r.stdout).error.code, code);
  assert.match(r.stderr, new RegExp(code));
}

test('CLI: a good run prints the result as JSON; each bad input exits with its code', async () => {
  const ok = await runCli(args([]));
  assert.equal(ok.code, 0, ok.stderr);
  const result = JSON.parse(ok.stdout);
  assert.equal(result.path, join(work, 'out', 'm.mar'));
  assert.equal(result.manifest.model.serializedFile, 'model.onnx');
  const before = await readFile(result.path);

  await expectCli(args([]), 'MLS_ERR_OUTPUT_EXISTS', 4); // existing output without --force
  assert.deepEqual(await readFile(result.path), before, 'the existing archive is untouched');
  await expectCli([...args([]).map((a) => (a === 'm' ? 'bad name!' : a))], 'MLS_ERR_ARCHIVE_BAD_NAME', 2);
  await expectCli(args(['--serialized-file', join(work, 'missing.onnx'), '--force']), 'MLS_ERR_ARCHIVE_INPUT_NOT_FOUND', 4);
  assert.deepEqual(await readFile(result.path), before, 'a failed --force run leaves the old archive');
  await expectCli(args(['--archive-format', 'zip']), 'MLS_ERR_ARCHIVE_FORMAT_UNKNOWN', 2);
  await expectCli(args([], join(work, 'a-file', 'sub')), 'MLS_ERR_ARCHIVE_EXPORT_PATH', 4); // unwritable: under a file
  await expectCli(['archive', '--model-name', 'm', '--handler', 'base_handler', '--json'], 'MLS_ERR_USAGE', 2); // no -v
  assert.deepEqual(await readdir(join(work, 'out')), ['m.mar'], 'no temporary files left');
});

const base = (): WriteArchiveOptions => ({
  modelName: 'm2',
  version: '1.0',
  serializedFile: model,
  handler: 'base_handler',
  exportPath: join(work, 'svc'),
  archiveFormat: 'default',
  force: false,
});

async function expectCode(opts: Partial<WriteArchiveOptions>, code: string): Promise<void> {
  await assert.rejects(writeArchive({ ...base(), ...opts }), (e: unknown) => isMlsError(e) && e.code === code);
}

test('service: names, flags and files torch-model-archiver would refuse are refused', async () => {
  for (const name of ['-leading-dash', '.hidden', 'sp ace', 'slash/name', 'ünïcode', '']) await expectCode({ modelName: name }, 'MLS_ERR_ARCHIVE_BAD_NAME');
  await expectCode({ archiveFormat: 'zip' as never }, 'MLS_ERR_ARCHIVE_FORMAT_UNKNOWN');
  await expectCode({ handler: join(work, 'nope.py') }, 'MLS_ERR_ARCHIVE_INPUT_NOT_FOUND');
  await expectCode({ handler: join(work, 'nope') }, 'MLS_ERR_ARCHIVE_INPUT_NOT_FOUND'); // looked up as nope.py
  await expectCode({ modelFile: join(work, 'model.py'), serializedFile: undefined }, 'MLS_ERR_ARCHIVE_INPUT_NOT_FOUND');
  await expectCode({ extraFiles: [join(work, 'missing.txt')] }, 'MLS_ERR_ARCHIVE_INPUT_NOT_FOUND');
  await expectCode({ extraFiles: [join(work, '*.nothing')] }, 'MLS_ERR_ARCHIVE_INPUT_NOT_FOUND');
  await expectCode({ requirementsFile: join(work, 'requirements.txt') }, 'MLS_ERR_ARCHIVE_INPUT_NOT_FOUND');
  await expectCode({ configFile: work }, 'MLS_ERR_ARCHIVE_INPUT_NOT_FOUND'); // a folder, not a file
  await expectCode({ exportPath: join(work, 'a-file') }, 'MLS_ERR_ARCHIVE_EXPORT_PATH');
  await expectCode({ version: '' }, 'MLS_ERR_USAGE');
});

test('service: runtimes that would let TorchServe or mlserve misread the handler are refused', async () => {
  const js = join(work, 'handler.js');
  await writeFile(js, 'export async function inference(s, b) { return b; }\n');
  await expectCode({ handler: js, runtime: 'python' }, 'MLS_ERR_ARCHIVE_RUNTIME');
  await expectCode({ handler: 'image_classifier', runtime: 'mlserve-js' }, 'MLS_ERR_ARCHIVE_RUNTIME');
  await expectCode({ runtime: 'LSP' }, 'MLS_ERR_ARCHIVE_RUNTIME');
  await mkdir(join(work, 'py'), { recursive: true });
  await writeFile(join(work, 'py', 'model.py'), 'class Net: pass\n');
  await expectCode({ handler: 'image_classifier', modelFile: join(work, 'py', 'model.py') }, 'MLS_ERR_ARCHIVE_INCOMPATIBLE');
  const r = await writeArchive({ ...base(), handler: js });
  assert.equal(r.manifest.runtime, 'mlserve-js', 'JavaScript handlers are marked so TorchServe refuses them');
  const p = await writeArchive({ ...base(), modelName: 'm3', runtime: 'python3' });
  assert.equal(p.manifest.runtime, 'python3');
});
