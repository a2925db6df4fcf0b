// Registration from URLs against a local HTTP server on 127.0.0.1: allowed only where allowed_urls
// matches; ".." refused raw and percent-encoded (CVE-2024-35198), a redirect to a host that is not
// allowed refused, an archive past max_download_size stopped while downloading and nothing left
// in the store; a server without allowed_urls refuses every URL.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFixtureModels } from '../../fixtures/index.js';
import { writeArchive } from '../../src/archive/writer.js';
import { parseAllowedUrls } from '../../src/serve/url-fetch.js';
import { isJsonError } from './harness.js';
import { startTestServer, type TestServer } from './server.js';

let files: Server;
let origin: string;
let t: TestServer;
let closed: TestServer;
let mar: Buffer;
let secretHits = 0;

before(async () => {
  const fx = await ensureFixtureModels();
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-url-'));
  mar = await readFile((await writeArchive({ modelName: 'remote', version: '1.0', serializedFile: fx.identity, handler: 'base_handler', exportPath: dir, archiveFormat: 'default', force: false })).path);
  await rm(dir, { recursive: true, force: true });
  files = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/models/remote.mar') return res.end(mar);
    if (path === '/models/away.mar') return res.writeHead(302, { location: 'http://localhost:1/secret/away.mar' }).end();
    if (path === '/models/bounce.mar') return res.writeHead(302, { location: '/models/remote.mar' }).end();
    if (path === '/models/huge.mar') {
      // No Content-Length: the limit must be enforced while streaming.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let sent = 0;
      const pump = () => {
        while (sent < 8 * 2 ** 20 && res.write(Buffer.alloc(64 * 1024, 1))) sent += 64 * 1024;
        if (sent < 8 * 2 ** 20) res.once('drain', pump);
        else res.end();
      };
      res.on('error', () => {});
      return pump();
    }
    if (path.startsWith('/secret')) secretHits++;
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(files.address() as { port: number }).port}`;
  const allowed = parseAllowedUrls(`${origin.replace(/\./g, '\\.')}/models/.*`, 'test');
  t = await startTestServer([], [], { allowedUrls: allowed, maxDownloadSize: 1 << 20 });
  closed = await startTestServer([], []);
});
after(async () => {
  await t?.stop();
  await closed?.stop();
  files?.close();
});

async function register(server: TestServer, url: string) {
  const r = await fetch(`${server.M}/models?url=${encodeURIComponent(url)}&initial_workers=1`, { method: 'POST' });
  return { status: r.status, text: await r.text() };
}

describe('registration from URLs', () => {
  it('downloads an allowed archive into the store and serves it (also through an allowed redirect)', async () => {
    const r = await register(t, `${origin}/models/remote.mar`);
    assert.equal(r.status, 200, r.text);
    assert.ok((await readdir(t.store)).includes('remote.mar'));
    const p = await fetch(`${t.I}/predictions/remote`, { method: 'POST', body: '[[1,2,3,4]]', headers: { 'content-type': 'application/json' } });
    assert.equal(p.status, 200);
    // Already in the store: refused rather than overwritten, with TorchServe's answer (ApiUtils.handleRegister).
    const again = await register(t, `${origin}/models/remote.mar`);
    assert.equal(again.status, 500);
    assert.equal((JSON.parse(again.text) as { message: string }).message, 'Model file already exists remote.mar');
    assert.equal((await fetch(`${t.M}/models/remote`, { method: 'DELETE' })).status, 200);
    // A redirect to an allowed URL is followed; the file is named after the URL registered.
    const bounced = await register(t, `${origin}/models/bounce.mar`);
    assert.equal(bounced.status, 200, bounced.text);
    assert.ok((await readdir(t.store)).includes('bounce.mar'));
    assert.equal((await fetch(`${t.M}/models/remote`, { method: 'DELETE' })).status, 200);
  });

  it('refuses URLs outside the patterns, with "..", redirected elsewhere or too large, leaving nothing behind', async () => {
    const before = (await readdir(t.store)).sort();
    const refused = [
      `${origin}/other/remote.mar`,
      `${origin}/models/../secret/x.mar`,
      `${origin}/models/%2e%2e/secret/x.mar`,
      `${origin}/models/%252e%252e/secret/x.mar`,
      `${origin}/models/..%2fsecret%2fx.mar`,
      `http://user:pw@${origin.slice(7)}/models/remote.mar`,
      `file:///etc/passwd`,
      `${origin}/models/away.mar`,
      `${origin}/models/huge.mar`,
      `${origin}/models/missing.mar`,
      `${origin}/models/notanarchive.txt`,
    ];
    for (const url of refused) {
      const r = await register(t, url);
      assert.ok(r.status >= 400 && r.status < 500, `${url}: ${r.status} ${r.text}`);
      assert.ok(isJsonError(r.text), r.text);
    }
    assert.equal(secretHits, 0, 'a refused URL was fetched');
    assert.deepEqual((await readdir(t.store)).sort(), before);
    assert.deepEqual(t.server.registry.names(), []);
  });

  it('is off on a server without allowed_urls', async () => {
    const r = await register(closed, `${origin}/models/remote.mar`);
    assert.equal(r.status, 400);
    assert.match(r.text, /allowed_urls/);
    assert.deepEqual(await readdir(closed.store), []);
  });
});
