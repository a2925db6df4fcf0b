// The registry's rules without a worker process: fake workers and a fake clock behind real folder
// archives. Register, versions and the default version, scaling, unregistering, failed loads, the
// drain limit of close().
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '../../src/log.js';
import { Registry } from '../../src/serve/frontend/registry.js';
import type { WorkerHub } from '../../src/serve/frontend/worker-hub.js';
import { DEFAULT_WORKER_LIMITS } from '../../src/serve/frontend/worker-limits.js';
import { scaleWorkers } from '../../src/serve/http/management-ops.js';
import { FakeClock, settle } from '../helpers/fake-clock.js';
import { fakeStarter, type LoadOutcome } from './fake-worker.js';
import { addFolderArchive, tempStore } from './store.js';

let store: string;
let onnx: string;

before(async () => {
  store = await tempStore();
  // Only opened by the (fake) workers: its bytes are never read here.
  onnx = join(store, 'model.onnx');
  await writeFile(onnx, 'not read');
  for (const version of ['1.0', '2.0']) await addFolderArchive(store, { name: 'm', version, model: onnx, handler: 'base_handler', dirName: `m-${version}` });
  await addFolderArchive(store, { name: 'other', model: onnx, handler: 'base_handler' });
  // A TorchServe built-in mlserve's node workers do not run over ONNX: refused at registration.
  await addFolderArchive(store, { name: 'detector', model: onnx, handler: 'object_detector' });
  // A switch that is neither true nor false would be ignored: the model would run merged anyway.
  await addFolderArchive(store, { name: 'vague', model: onnx, handler: 'base_handler', config: 'mergeRuns: "no"\n' });
});
after(() => rm(store, { recursive: true, force: true }));

function registry(...outcomes: LoadOutcome[]) {
  const clock = new FakeClock();
  const starter = fakeStarter(...(outcomes.length > 0 ? outcomes : ['ok' as const]));
  const r = new Registry(
    {} as WorkerHub,
    {
      modelStore: store,
      workDir: join(store, '.work'),
      jobQueueSize: 10,
      defaultResponseTimeoutSec: 120,
      defaultBatchSize: 1,
      defaultMaxBatchDelayMs: 100,
      startupTimeoutMs: 5000,
      intraOpThreads: 1,
      workerConcurrency: 1,
      time: { clock, limits: DEFAULT_WORKER_LIMITS },
      startWorker: starter.start,
    },
    silentLogger,
  );
  let changes = 0;
  r.onChange = () => changes++;
  return { r, clock, started: starter.started, changes: () => changes };
}

const status = (e: unknown) => (e as { httpStatus?: number }).httpStatus;

describe('Registry (fake workers, fake clock)', () => {
  it('registers versions, makes the newest the default, and refuses a duplicate version (409)', async () => {
    const { r, started, changes } = registry();
    await r.register({ url: 'm-1.0', initialWorkers: 1 });
    await r.register({ url: 'm-2.0', initialWorkers: 1 });
    assert.equal(r.get('m').version, '2.0');
    assert.equal(r.get('m', '1.0').version, '1.0');
    assert.deepEqual(r.names(), ['m']);
    assert.equal(started.length, 2);
    assert.equal(started[0]!.loads[0]!.modelKey, 'm/1.0');
    assert.equal(changes(), 2);
    await assert.rejects(r.register({ url: 'm-1.0' }), (e) => status(e) === 409 && /already registered/.test((e as Error).message));
    assert.throws(() => r.get('nope'), (e) => status(e) === 404);
    assert.throws(() => r.get('m', '3.0'), (e) => status(e) === 404);
    await r.close(0);
  });

  it('sets the default version and refuses to remove the default while other versions remain (403)', async () => {
    const { r, started } = registry();
    await r.register({ url: 'm-1.0', initialWorkers: 1 });
    await r.register({ url: 'm-2.0', initialWorkers: 1 });
    r.setDefault('m', '1.0');
    assert.equal(r.get('m').version, '1.0');
    await assert.rejects(r.unregister('m'), (e) => status(e) === 403);
    await r.unregister('m', '2.0');
    assert.equal(started[1]!.stopped, true, 'the unregistered version stops its workers');
    assert.deepEqual(r.allVersions('m').map((e) => e.version), ['1.0']);
    await r.unregister('m');
    assert.deepEqual(r.names(), []);
    assert.throws(() => r.setDefault('m', '1.0'), (e) => status(e) === 404);
  });

  it('scales a model through its pool, and a forced unregister of the default makes the newest remaining one the default', async () => {
    const { r, started } = registry();
    const e = await r.register({ url: 'other', initialWorkers: 1 });
    await e.pool.scale(3, 3);
    assert.equal(e.pool.liveCount(), 3);
    await e.pool.scale(1, 1);
    assert.equal(started.filter((w) => w.stopped).length, 2);
    await r.register({ url: 'm-1.0', initialWorkers: 0 });
    await r.register({ url: 'm-2.0', initialWorkers: 0 });
    r.setDefault('m', '1.0');
    await r.unregister('m', '1.0', true);
    assert.equal(r.get('m').version, '2.0');
    await r.close(0);
  });

  it('removes a model whose workers fail to load, and takes its version again afterwards', async () => {
    const { r } = registry('fail', 'ok');
    await assert.rejects(r.register({ url: 'other', initialWorkers: 1 }), /failed to load/);
    assert.deepEqual(r.names(), []);
    await r.register({ url: 'other', initialWorkers: 1 });
    assert.deepEqual(r.names(), ['other']);
    await r.close(0);
  });

  it('close() waits for in-flight work up to the drain limit on the clock, then stops the workers', async () => {
    const { r, clock, started } = registry();
    const e = await r.register({ url: 'other', initialWorkers: 1 });
    // A batch the (fake) worker never answers.
    (started[0] as unknown as { infer: unknown }).infer = () => {};
    started[0]!.inflight = 0;
    assert.equal(e.queue.submit({ item: { parts: [] }, t0: clock.now(), done: () => {} }), true);
    let closed = false;
    const closing = r.close(30_000).then(() => (closed = true));
    await settle();
    clock.advance(29_999);
    await settle();
    assert.equal(closed, false);
    clock.advance(1);
    await closing;
    assert.equal(started[0]!.stopped, true);
  });
});

describe('Registry refusals by code (fake workers)', () => {
  const code = (want: string) => (e: unknown) => (e as { code?: string }).code === want;

  it('a duplicate version, the default version while others remain, a handler it does not run', async () => {
    const { r } = registry();
    await r.register({ url: 'm-1.0', initialWorkers: 0 });
    await r.register({ url: 'm-2.0', initialWorkers: 0 });
    await assert.rejects(r.register({ url: 'm-2.0' }), code('MLS_ERR_SERVE_VERSION_EXISTS'));
    await assert.rejects(r.unregister('m'), code('MLS_ERR_SERVE_DEFAULT_VERSION'));
    await assert.rejects(r.register({ url: 'detector', initialWorkers: 1 }), (e) => code('MLS_ERR_SERVE_MODEL_REFUSED')(e) && status(e) === 400 && /object_detector/.test((e as Error).message));
    await assert.rejects(r.register({ url: 'vague', initialWorkers: 1 }), (e) => code('MLS_ERR_SERVE_MODEL_REFUSED')(e) && /mergeRuns .* not "no"/.test((e as Error).message));
    assert.deepEqual(r.names(), ['m']);
    await r.close(0);
  });

  it('workers asked for with no time to start, and a synchronous scale-up whose workers fail', async () => {
    const { r } = registry('ok', 'fail');
    await assert.rejects(r.register({ url: 'm-1.0', initialWorkers: 1, startupTimeout: 0 }), code('MLS_ERR_SERVE_WORKERS_FAILED'));
    assert.deepEqual(r.names(), []);
    await r.register({ url: 'other', initialWorkers: 1 });
    await assert.rejects(scaleWorkers(r, 'other', undefined, new URLSearchParams('min_worker=2&synchronous=true')), (e) => code('MLS_ERR_SERVE_WORKERS_FAILED')(e) && status(e) === 500);
    await r.close(0);
  });
});
