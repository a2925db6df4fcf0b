// Hostile archives registered through the management API (each refused with a 4xx JSON error,
// nothing written outside the server's work folder, the server still serving), and a full disk
// while writing a snapshot or an archive (the write fails, the previous file is intact, no
// temporary file is left behind).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFixtureModels } from '../../fixtures/index.js';
import { writeArchive } from '../../src/archive/writer.js';
import { writeFileAtomic } from '../../src/fs/atomic.js';
import { buildTgz, buildZip, tgzDeclaring, tgzMany, validEntries } from '../archive/hostile-archives.js';
import { isJsonError } from './harness.js';
import { startTestServer, type TestServer } from './server.js';

let t: TestServer;
const canary = join(tmpdir(), `mlserve-hardening-canary-${process.pid}`);

before(async () => {
  t = await startTestServer([{ name: 'identity', handler: 'base_handler' }], ['identity']);
});
after(async () => {
  await t?.stop();
  await rm(canary, { force: true });
});

describe('hostile archives through the management API', () => {
  it('refuses each with a 4xx JSON error and writes nothing outside', async () => {
    const fx = await ensureFixtureModels();
    const onnx = await readFile(fx.identity);
    const good = () => validEntries('evil').map((e) => (e.name === 'model.onnx' ? { ...e, data: onnx } : e));
    const archives: Record<string, Buffer> = {
      'slip.mar': buildZip([...good(), { name: `../../../../../../..${canary}`, data: Buffer.from('pwned') }]),
      'backslash.mar': buildZip([...good(), { name: '..\\..\\..\\..\\..\\..\\..\\tmp\\evil.txt', data: Buffer.from('pwned') }]),
      'absolute.mar': buildZip([...good(), { name: canary, data: Buffer.from('pwned') }]),
      'symlink.mar': buildZip([...good(), { name: 'link', data: Buffer.from('/etc'), mode: 0o120777 }, { name: 'link/evil', data: Buffer.from('x') }]),
      'bomb.mar': buildZip([...good(), { name: 'big.bin', data: Buffer.alloc(64), declaredSize: 50 * 2 ** 30 }]),
      'nomanifest.mar': buildZip([{ name: 'model.onnx', data: onnx }]),
      'notzip.mar': Buffer.from('this is not a zip file at all'),
      'slip.tar.gz': await buildTgz([{ name: 'model.onnx', data: onnx }, { name: `../../../../../..${canary}`, data: Buffer.from('pwned') }]),
      'link.tar.gz': await buildTgz([{ name: 'out', type: 'symlink', linkname: '/tmp' }, { name: 'out/evil', data: Buffer.from('x') }]),
      'huge.tar.gz': await tgzDeclaring('model.onnx', 40 * 2 ** 30),
      'many.tar.gz': await tgzMany(100_000),
    };
    for (const [file, bytes] of Object.entries(archives)) await writeFile(join(t.store, file), bytes);
    for (const file of Object.keys(archives)) {
      const r = await fetch(`${t.M}/models?url=${encodeURIComponent(file)}`, { method: 'POST' });
      const text = await r.text();
      assert.ok(r.status >= 400 && r.status < 500, `${file}: ${r.status} ${text}`);
      assert.ok(isJsonError(text), `${file}: ${text}`);
    }
    assert.equal(existsSync(canary), false);
    assert.deepEqual(t.server.registry.names(), ['identity']);
    const ok = await fetch(`${t.I}/predictions/identity`, { method: 'POST', body: '[[1,2,3,4]]', headers: { 'content-type': 'application/json' } });
    assert.equal(ok.status, 200);
  });
});

/** A 64 KiB tmpfs (root only); undefined where it cannot be mounted. */
function tinyDisk(): string | undefined {
  const dir = join(tmpdir(), `mlserve-full-${process.pid}`);
  try {
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    return undefined;
  }
}

describe('a full disk', () => {
  const disk = tinyDisk();
  after(() => {
    if (disk) execFileSync('umount', [disk]);
  });

  it('fails a snapshot write cleanly: the previous snapshot stays, no temporary file is left', { skip: disk ? false : 'cannot mount a tmpfs here (not root)' }, async () => {
    const file = join(disk!, 'serve.snapshot.json');
    const previous = JSON.stringify({ apiVersion: 'mlserve/v1', kind: 'ServeSnapshot', models: [] });
    await writeFileAtomic(file, previous);
    await assert.rejects(writeFileAtomic(file, 'x'.repeat(200 * 1024)), (e: Error & { code?: string }) => /ENOSPC|no space/i.test(`${e.code} ${e.message}`));
    assert.equal(await readFile(file, 'utf8'), previous);
    assert.deepEqual(await readdir(disk!), ['serve.snapshot.json']);
  });

  it('fails an archive write cleanly: no half-written .mar, the previous one intact', { skip: disk ? false : 'cannot mount a tmpfs here (not root)' }, async () => {
    const fx = await ensureFixtureModels();
    const out = join(disk!, 'store');
    await mkdir(out);
    const small = await writeArchive({ modelName: 'm', version: '1.0', serializedFile: fx.identity, handler: 'base_handler', exportPath: out, archiveFormat: 'default', force: false });
    const before = await readFile(small.path);
    // A model too big for what is left, written over the same archive name.
    const big = join(await mkdtemp(join(tmpdir(), 'mlserve-big-')), 'big.onnx');
    await writeFile(big, randomBytes(256 * 1024)); // incompressible
    await assert.rejects(writeArchive({ modelName: 'm', version: '2.0', serializedFile: big, handler: 'base_handler', exportPath: out, archiveFormat: 'default', force: true }));
    assert.deepEqual(await readFile(small.path), before);
    assert.deepEqual(await readdir(out), ['m.mar']);
    await rm(join(big, '..'), { recursive: true, force: true });
  });
});
