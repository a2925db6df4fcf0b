// Registration from a URL, refused by code: fetchArchive against a loopback server that answers
// what each case needs (a 404, endless redirects, a body over the cap), and URLs the patterns or
// the guards refuse before anything is fetched. Nothing is left in the store after a refusal.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlsError, type ErrorCode } from '../../src/errors.js';
import { fetchArchive, type UrlFetchOptions } from '../../src/serve/url-fetch.js';
import { refusal as refuses } from '../helpers/refusal.js';

let server: Server;
let base: string;
let store: string;

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/loop.mar') return void res.writeHead(302, { location: '/loop.mar' }).end();
    if (req.url === '/big.mar') return void res.end(Buffer.alloc(4096));
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  store = await mkdtemp(join(tmpdir(), 'mlserve-url-codes-'));
  await writeFile(join(store, 'here.mar'), 'already in the store');
});
after(async () => {
  server.close();
  await rm(store, { recursive: true, force: true });
});

function refusal(url: string, o: Partial<UrlFetchOptions> = {}): Promise<MlsError> {
  return refuses(() => fetchArchive(url, { modelStore: store, allowedUrls: [/http:\/\/127\.0\.0\.1:\d+\/.*/], maxBytes: 1024, timeoutMs: 5000, ...o }), `${url} was fetched`);
}

test('refused URLs, an existing archive and failed downloads answer their codes and leave the store as it was', async () => {
  const cases: Array<[ErrorCode, number, string, Partial<UrlFetchOptions>?]> = [
    ['MLS_ERR_SERVE_URL_NOT_ALLOWED', 400, `${base}/m.mar`, { allowedUrls: [] }],
    ['MLS_ERR_SERVE_URL_NOT_ALLOWED', 400, 'http://example.com/m.mar'],
    ['MLS_ERR_SERVE_URL_NOT_ALLOWED', 400, `${base}/a/%2e%2e/m.mar`],
    ['MLS_ERR_SERVE_ARCHIVE_EXISTS', 500, `${base}/here.mar`],
    ['MLS_ERR_SERVE_DOWNLOAD_FAILED', 400, `${base}/missing.mar`],
    ['MLS_ERR_SERVE_DOWNLOAD_FAILED', 400, `${base}/loop.mar`],
    ['MLS_ERR_SERVE_DOWNLOAD_FAILED', 400, `${base}/big.mar`],
  ];
  for (const [code, status, url, o] of cases) {
    const e = await refusal(url, o);
    assert.deepEqual([e.code, e.httpStatus], [code, status], `${url}: ${e.message}`);
  }
  assert.deepEqual(await readdir(store), ['here.mar']);
});
