// The scripts the images and pods run, executed here with node: the Docker HEALTHCHECK and the
// init container that fetches archives from a URL (bounded size, no partial file left).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/exec.js';
import { TEMPLATES_DIR } from '../../src/paths.js';

let dir: string;
let server: Server;
let base: string;
const archive = Buffer.alloc(100_000, 7);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlserve-scripts-'));
  server = createServer((req, res) => {
    if (req.url === '/ping') return void res.end('{"status":"Healthy"}');
    if (req.url === '/store/a.mar') return void res.end(archive);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

const node = (script: string, env: Record<string, string>) => run(process.execPath, [script], { env, timeout: 30_000 });

test('the HEALTHCHECK script is healthy only when /ping answers 200', async () => {
  const script = join(TEMPLATES_DIR, 'docker', 'healthcheck.mjs');
  assert.equal((await node(script, { MLSERVE_HEALTH_URL: `${base}/ping` })).exitCode, 0);
  assert.equal((await node(script, { MLSERVE_HEALTH_URL: `${base}/missing` })).exitCode, 1);
  assert.equal((await node(script, { MLSERVE_HEALTH_URL: 'http://127.0.0.1:1/ping' })).exitCode, 1);
});

test('fetch-models downloads the archives into the store, refuses oversize ones and leaves no partial file', async () => {
  const script = join(TEMPLATES_DIR, 'kubernetes', 'fetch-models.mjs');
  const store = join(dir, 'store');
  const ok = await node(script, { MLSERVE_MODEL_STORE: store, MLSERVE_FETCH: JSON.stringify([{ url: `${base}/store/a.mar`, file: 'a.mar' }]) });
  assert.equal(ok.exitCode, 0, ok.stderr);
  assert.deepEqual(await readFile(join(store, 'a.mar')), archive);

  const small = join(dir, 'small');
  const big = await node(script, { MLSERVE_MODEL_STORE: small, MLSERVE_FETCH_MAX_BYTES: '1000', MLSERVE_FETCH: JSON.stringify([{ url: `${base}/store/a.mar`, file: 'a.mar' }]) });
  assert.notEqual(big.exitCode, 0);
  assert.match(big.stderr, /larger than 1000 bytes/);
  assert.deepEqual(await readdir(small), []);

  const missing = await node(script, { MLSERVE_MODEL_STORE: small, MLSERVE_FETCH: JSON.stringify([{ url: `${base}/store/nope.mar`, file: 'nope.mar' }]) });
  assert.notEqual(missing.exitCode, 0);
  assert.match(missing.stderr, /HTTP 404/);
  // A file name cannot climb out of the store.
  const escape = await node(script, { MLSERVE_MODEL_STORE: small, MLSERVE_FETCH: JSON.stringify([{ url: `${base}/store/a.mar`, file: '../escaped.mar' }]) });
  assert.equal(escape.exitCode, 0, escape.stderr);
  assert.deepEqual(await readdir(small), ['escaped.mar']);
});
