// Hostile archives made here are refused with their own codes, and nothing lands outside (or,
// after a refusal, inside) the destination.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { extractArchive, inspectArchive } from '../../src/archive/reader.js';
import { isMlsError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';
import { buildTgz, buildZip, tgzDeclaring, tgzMany, validEntries, manifestText, type ZipEntrySpec } from './hostile-archives.js';

async function tree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    out.push(rel);
    if (e.isDirectory()) out.push(...(await tree(join(dir, e.name), `${rel}/`)));
  }
  return out.sort();
}

/** Writes the archive to work/in/, extracts to work/out/dest, expects `code`, checks the tree. */
async function expectRefused(
  bytes: Buffer,
  ext: string,
  code: string,
  limits?: Parameters<typeof extractArchive>[2],
  { inspectToo = true } = {},
): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'mls-hostile-'));
  try {
    const archive = join(work, 'in', `x${ext}`);
    await writeFile(join(await mkdirp(join(work, 'in')), `x${ext}`), bytes);
    const before = await tree(work);
    const dest = join(work, 'out', 'dest');
    await assert.rejects(extractArchive(archive, dest, limits), (e: unknown) => isMlsError(e) && e.code === code);
    if (inspectToo) await assert.rejects(inspectArchive(archive, limits), (e: unknown) => isMlsError(e) && e.code === code);
    const after = (await tree(work)).filter((p) => p !== 'out');
    assert.deepEqual(after, before, 'nothing was written by the refused extraction');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function mkdirp(dir: string): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  return dir;
}

const zipWith = (...extra: ZipEntrySpec[]) => buildZip([...validEntries(), ...extra]);

test('zip slip: an entry climbing out with .. is refused (also with backslashes)', async () => {
  await expectRefused(zipWith({ name: '../../evil.txt', data: Buffer.from('pwned') }), '.mar', 'MLS_ERR_ARCHIVE_PATH_TRAVERSAL');
  await expectRefused(zipWith({ name: 'ok/..\\..\\evil.txt', data: Buffer.from('pwned') }), '.mar', 'MLS_ERR_ARCHIVE_PATH_TRAVERSAL');
  await expectRefused(await buildTgz([{ name: 'm/model.onnx', data: Buffer.alloc(8) }, { name: 'm/../../evil.txt', data: Buffer.from('x') }]), '.tar.gz', 'MLS_ERR_ARCHIVE_PATH_TRAVERSAL');
});

test('absolute paths are refused, and the absolute target is not created', async () => {
  const abs = join(tmpdir(), `mls-abs-${randomBytes(4).toString('hex')}.txt`);
  await expectRefused(zipWith({ name: abs, data: Buffer.from('pwned') }), '.mar', 'MLS_ERR_ARCHIVE_ABSOLUTE_PATH');
  await expectRefused(zipWith({ name: 'C:/Windows/evil.txt', data: Buffer.from('pwned') }), '.mar', 'MLS_ERR_ARCHIVE_ABSOLUTE_PATH');
  await expectRefused(await buildTgz([{ name: abs, data: Buffer.from('pwned') }]), '.tar.gz', 'MLS_ERR_ARCHIVE_ABSOLUTE_PATH');
  assert.equal(existsSync(abs), false);
});

test('symbolic links pointing out are refused; a link then a write through it lands nowhere', async () => {
  const outside = join(tmpdir(), `mls-link-${randomBytes(4).toString('hex')}`);
  await expectRefused(zipWith({ name: 'escape', data: Buffer.from('../../..'), mode: 0o120777 }), '.mar', 'MLS_ERR_ARCHIVE_SYMLINK_ESCAPE');
  await expectRefused(zipWith({ name: 'abs-link', data: Buffer.from(outside), mode: 0o120777 }), '.mar', 'MLS_ERR_ARCHIVE_SYMLINK_ESCAPE');
  await expectRefused(
    await buildTgz([
      { name: 'evil/link', type: 'symlink', linkname: '../../outside' },
      { name: 'evil/link/pwned.txt', data: Buffer.from('x') },
    ]),
    '.tar.gz',
    'MLS_ERR_ARCHIVE_SYMLINK_ESCAPE',
  );
  await expectRefused(await buildTgz([{ name: 'evil/hard', type: 'link', linkname: '/etc/passwd' }]), '.tar.gz', 'MLS_ERR_ARCHIVE_UNSUPPORTED_ENTRY');
  // An inner link then a file "through" it: links are made last, so the file went to a real
  // folder and the link collides; refused rather than followed.
  const through = await buildTgz([
    ...validEntries('m').map((e) => ({ name: `m/${e.name}`, data: e.data })),
    { name: 'm/sub', type: 'directory' },
    { name: 'm/link', type: 'symlink', linkname: 'sub' },
    { name: 'm/link/x.txt', data: Buffer.from('x') },
  ]);
  await expectRefused(through, '.tar.gz', 'MLS_ERR_ARCHIVE_CORRUPT', undefined, { inspectToo: false });
  assert.equal(existsSync(outside), false);
});

test('an inner symbolic link is kept, created after the files', async () => {
  const work = await mkdtemp(join(tmpdir(), 'mls-link-ok-'));
  try {
    const archive = join(work, 'x.mar');
    await writeFile(archive, zipWith({ name: 'alias.onnx', data: Buffer.from('model.onnx'), mode: 0o120777 }));
    const info = await inspectArchive(archive);
    assert.deepEqual(info.entries.find((e) => e.path === 'alias.onnx')?.type, 'symlink');
    const out = await extractArchive(archive, join(work, 'dest'));
    const { readlink } = await import('node:fs/promises');
    assert.equal(await readlink(join(out.dir, 'alias.onnx')), 'model.onnx');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

test('100,000 entries are refused (zip: from the directory count, before reading; tgz: as they stream)', async () => {
  const many: ZipEntrySpec[] = [];
  for (let i = 0; i < 100_000; i++) many.push({ name: `f${i}` });
  await expectRefused(buildZip([...validEntries(), ...many]), '.mar', 'MLS_ERR_ARCHIVE_TOO_MANY_ENTRIES');
  // A gzip stream has no index: entries are counted as they come; a lower limit keeps the test quick.
  await expectRefused(await tgzMany(100_000), '.tar.gz', 'MLS_ERR_ARCHIVE_TOO_MANY_ENTRIES', { maxEntries: 500 });
});

test('an entry declaring gigabytes is refused from its header', async () => {
  // 4 GB in the 32-bit fields, against a 1 GiB per-file limit.
  await expectRefused(zipWith({ name: 'huge.bin', data: Buffer.alloc(10), declaredSize: 4_000_000_000 }), '.mar', 'MLS_ERR_ARCHIVE_ENTRY_TOO_LARGE', { maxEntryBytes: 1024 ** 3 });
  // 1 TB in zip64 fields, against the default limits.
  await expectRefused(zipWith({ name: 'huge.bin', data: Buffer.alloc(10), declaredSize: 1e12 }), '.mar', 'MLS_ERR_ARCHIVE_ENTRY_TOO_LARGE');
  // 8 GB in a tar header.
  await expectRefused(await tgzDeclaring('m/huge.bin', 8 * 1024 ** 3), '.tar.gz', 'MLS_ERR_ARCHIVE_ENTRY_TOO_LARGE', { maxEntryBytes: 1024 ** 3 });
  // Many entries that add up past the total.
  const parts = Array.from({ length: 5 }, (_, i) => ({ name: `p${i}.bin`, data: Buffer.alloc(10), declaredSize: 900_000_000 }));
  await expectRefused(zipWith(...parts), '.mar', 'MLS_ERR_ARCHIVE_TOO_LARGE', { maxTotalBytes: 4 * 1024 ** 3 });
});

test('an entry inflating past its declared size (a bomb that lies) is stopped while extracting', async () => {
  const bomb = { name: 'model.onnx', data: Buffer.alloc(20 * 1024 * 1024), deflate: true, declaredSize: 1000 };
  const zip = buildZip([bomb, { name: 'MAR-INF/MANIFEST.json', data: Buffer.from(manifestText('bomb')) }]);
  // inspect reads the central directory only, so only extraction meets the lie.
  await expectRefused(zip, '.mar', 'MLS_ERR_ARCHIVE_CORRUPT', undefined, { inspectToo: false });
});

test('not an archive, no manifest, a bad manifest and a missing named file have their codes', async () => {
  await expectRefused(Buffer.from('just text, not a zip'), '.mar', 'MLS_ERR_ARCHIVE_UNKNOWN_KIND');
  await expectRefused(Buffer.from([0x50, 0x4b, 3, 4, 1, 2, 3]), '.mar', 'MLS_ERR_ARCHIVE_CORRUPT');
  await expectRefused(buildZip([{ name: 'model.onnx', data: Buffer.alloc(4) }]), '.mar', 'MLS_ERR_ARCHIVE_NO_MANIFEST');
  await expectRefused(buildZip([{ name: 'MAR-INF/MANIFEST.json', data: Buffer.from('{"runtime": "python", "model": {') }]), '.mar', 'MLS_ERR_ARCHIVE_BAD_MANIFEST');
  await expectRefused(buildZip([{ name: 'MAR-INF/MANIFEST.json', data: Buffer.from(manifestText('x', { serializedFile: '../model.onnx' })) }]), '.mar', 'MLS_ERR_ARCHIVE_BAD_MANIFEST');
  await expectRefused(buildZip([{ name: 'MAR-INF/MANIFEST.json', data: Buffer.from(manifestText('x')) }]), '.mar', 'MLS_ERR_ARCHIVE_MISSING_ENTRY');
});

test('the CLI refuses a zip slip archive with exit code 3 and the code in --json', async () => {
  const work = await mkdtemp(join(tmpdir(), 'mls-hostile-cli-'));
  try {
    const archive = join(work, 'slip.mar');
    await writeFile(archive, zipWith({ name: '../evil.txt', data: Buffer.from('x') }));
    const r = await runCli(['archive', 'inspect', archive, '--json']);
    assert.equal(r.code, 3);
    assert.equal(JSON.parse(r.stdout).error.code, 'MLS_ERR_ARCHIVE_PATH_TRAVERSAL');
    assert.match(r.stderr, /MLS_ERR_ARCHIVE_PATH_TRAVERSAL/);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
