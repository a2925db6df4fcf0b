// Explanations (issue 19): TorchServe's /explanations/{m}[/{v}] and KServe's v1 :explain and v2
// /explain reach the handler marked as explanations (TorchServe adds the request header
// `explain: True`, which its BaseHandler reads); handlers without explanations answer 503 as
// TorchServe's BaseHandler does (get_insights missing → "Prediction failed").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { ensureFixtureModels } from '../../fixtures/index.js';
import { silentLogger } from '../../src/log.js';
import { defaultOptions } from '../../src/serve/config.js';
import { startServer, type ServeHandle } from '../../src/serve/server.js';
import { addFolderArchive, tempStore } from './store.js';

const EXPLAINER = `
export function handle(requests) { return requests.map(() => ({ predicted: true })); }
export function explain(requests) {
  return requests.map((r) => ({ explained: r.body.toString(), flag: r.headers?.explain ?? null, probe: r.headers?.['x-probe'] ?? null }));
}
`;

let server: ServeHandle;
let store: string;

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(server.inference + path, { method: 'POST', body, headers: { 'content-type': 'text/plain', ...headers } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('explanations', () => {
  before(async () => {
    const fx = await ensureFixtureModels();
    store = await tempStore();
    await addFolderArchive(store, { name: 'explainer', model: fx.identity, handler: 'explainer.mjs', files: { 'explainer.mjs': EXPLAINER } });
    await addFolderArchive(store, { name: 'identity', model: fx.identity, handler: 'base_handler' });
    const opts = defaultOptions();
    Object.assign(opts, { modelStore: store, models: ['explainer', 'identity'], defaultWorkersPerModel: 1, intraOpThreads: 1, inference: { host: '127.0.0.1', port: 0 }, management: { host: '127.0.0.1', port: 0 }, metrics: { host: '127.0.0.1', port: 0 } });
    server = await startServer(opts, silentLogger);
  });

  after(async () => {
    await server?.close();
    if (store) await rm(store, { recursive: true, force: true });
  });

  it('sends explanations to a JavaScript handler\'s explain export, with the request headers', async () => {
    assert.deepEqual((await post('/predictions/explainer', 'x')).json, { predicted: true });
    const r = await post('/explanations/explainer', 'why', { 'x-probe': 'p' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { explained: 'why', flag: 'True', probe: 'p' });
    assert.deepEqual((await post('/explanations/explainer/1.0', 'v')).json.explained, 'v');
    assert.deepEqual((await post('/v1/models/explainer:explain', 'k1')).json.explained, 'k1');
    assert.deepEqual((await post('/v2/models/explainer/explain', 'k2')).json.explained, 'k2');
    assert.deepEqual((await post('/v2/models/explainer/versions/1.0/explain', 'k3')).json.explained, 'k3');
  });

  it('answers 503 for handlers without explanations, 404 for unknown models, 405 for GET', async () => {
    const r = await post('/explanations/identity', '[[1,2,3,4]]');
    assert.equal(r.status, 503);
    assert.equal(r.json.code, 503);
    assert.equal((await post('/v1/models/identity:explain', '{}')).status, 503);
    assert.equal((await post('/explanations/nope', 'x')).status, 404);
    assert.equal((await post('/v1/models/nope:explain', 'x')).status, 404);
    assert.equal((await fetch(`${server.inference}/explanations/identity`)).status, 405);
  });
});
