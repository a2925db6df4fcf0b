// End to end: the mlserve CLI as deploy's local runtime uses it — the ready line, SIGTERM, --stop,
// config.properties, and coded failures.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { ensureFixtureModels } from '../../fixtures/index.js';
import { PORTS0, runCli, startCli } from '../helpers/cli.js';
import { addFolderArchive, tempStore, waitFor } from './store.js';

let store: string;

before(async () => {
  const fx = await ensureFixtureModels();
  store = await tempStore();
  await addFolderArchive(store, { name: 'identity', model: fx.identity, handler: 'base_handler' });
});

after(async () => {
  if (store) await rm(store, { recursive: true, force: true });
});

describe('mlserve serve (CLI)', () => {
  it('prints one ready line, serves, takes config.properties, and stops with --stop', async () => {
    const pidFile = join(store, 'a.pid');
    const config = join(store, 'config.properties');
    await writeFile(config, `# TorchServe style\ninference_address=http://127.0.0.1:0\nmodel_store=${store}\nload_models=identity\njob_queue_size=7\nnumber_of_netty_threads=4\n`);
    const s = startCli(['serve', '--config', config, '--management-address', '127.0.0.1:0', '--metrics-address', '127.0.0.1:0', '--pid-file', pidFile, '--json']);
    const ready = await s.ready;
    assert.equal(ready.event, 'ready');
    assert.deepEqual(ready.models, ['identity']);
    assert.match(ready.inference, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(existsSync(pidFile));
    assert.deepEqual(await (await fetch(`${ready.inference}/ping`)).json(), { status: 'Healthy' });
    const r = await fetch(`${ready.inference}/predictions/identity`, { method: 'POST', body: '[1,2,3,4]', headers: { 'content-type': 'application/json' } });
    assert.deepEqual(await r.json(), { output: [1, 2, 3, 4] });
    const d = (await (await fetch(`${ready.management}/models/identity`)).json()) as Array<{ jobQueueStatus: { remainingCapacity: number } }>;
    assert.equal(d[0]!.jobQueueStatus.remainingCapacity, 7);
    assert.match(await (await fetch(`${ready.metrics}/metrics`)).text(), /ts_inference_requests_total/);

    const again = await runCli(['serve', '--model-store', store, ...PORTS0, '--pid-file', pidFile, '--json']);
    assert.equal(again.code, 5);
    assert.match(again.stdout, /MLS_ERR_SERVE_ALREADY_RUNNING/);

    const stop = await runCli(['serve', '--stop', '--pid-file', pidFile, '--json']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal((JSON.parse(stop.stdout) as { pid: number }).pid, ready.pid);
    assert.equal(await s.exit, 0);
    assert.ok(!existsSync(pidFile));
  });

  it('guards the management API with --token-auth, and shuts down on SIGTERM with exit code 0', async () => {
    const keyFile = join(store, 'keys.json');
    const s = startCli(['serve', '--model-store', store, ...PORTS0, '--pid-file', join(store, 'b.pid'), '--token-auth', '--key-file', keyFile, '--json']);
    const ready = await s.ready;
    assert.deepEqual(ready.models, []);
    assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
    const keys = JSON.parse(await readFile(keyFile, 'utf8')) as { management: { key: string } };
    const denied = await fetch(`${ready.management}/models`);
    assert.equal(denied.status, 400);
    assert.equal(((await denied.json()) as { type: string }).type, 'InvalidKeyException');
    assert.equal((await fetch(`${ready.management}/models`, { headers: { authorization: 'Bearer wrong' } })).status, 400);
    const ok = await fetch(`${ready.management}/models`, { headers: { authorization: `Bearer ${keys.management.key}` } });
    assert.deepEqual(await ok.json(), { models: [] });
    assert.equal((await fetch(`${ready.inference}/ping`)).status, 200);
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0);
  });

  it('restores the registrations of the last run from its snapshot (unless --no-snapshot)', async () => {
    const pidFile = join(store, 'snap.pid');
    const args = ['serve', '--model-store', store, ...PORTS0, '--pid-file', pidFile, '--json'];
    const first = startCli(args);
    const r1 = await first.ready;
    assert.deepEqual(r1.models, []);
    const reg = await fetch(`${r1.management}/models?url=identity&model_name=restored&initial_workers=1&batch_size=4&max_batch_delay=7&synchronous=true`, { method: 'POST' });
    assert.equal(reg.status, 200);
    await waitFor('the snapshot', async () => (await readFile(join(store, 'snap.snapshot.json'), 'utf8').catch(() => '')).includes('restored'));
    first.child.kill('SIGTERM');
    assert.equal(await first.exit, 0);

    const second = startCli(args);
    const r2 = await second.ready;
    assert.deepEqual(r2.models, ['restored']);
    const d = (await (await fetch(`${r2.management}/models/restored`)).json()) as Array<Record<string, unknown>>;
    assert.deepEqual([d[0]!.minWorkers, d[0]!.batchSize, d[0]!.maxBatchDelay], [1, 4, 7]);
    second.child.kill('SIGTERM');
    assert.equal(await second.exit, 0);

    const third = startCli([...args, '--no-snapshot']);
    assert.deepEqual((await third.ready).models, []);
    third.child.kill('SIGTERM');
    assert.equal(await third.exit, 0);
  });

  it('leaves no worker behind when the frontend is killed', async () => {
    const s = startCli(['serve', '--model-store', store, '--models', 'identity', ...PORTS0, '--pid-file', join(store, 'k.pid'), '--json']);
    const ready = await s.ready;
    const d = (await (await fetch(`${ready.management}/models/identity`)).json()) as Array<{ workers: Array<{ pid: number }> }>;
    const workerPid = d[0]!.workers[0]!.pid;
    assert.ok(workerPid > 0);
    s.child.kill('SIGKILL');
    await s.exit;
    await waitFor('the worker to exit', () => {
      try {
        process.kill(workerPid, 0);
        return false;
      } catch {
        return true;
      }
    });
  });

  it('takes --shared-workers, --max-model-memory and --model-control, and stops on SIGTERM', async () => {
    const s = startCli(['serve', '--model-store', store, ...PORTS0, '--pid-file', join(store, 'd.pid'), '--no-snapshot', '--model-control', 'none', '--max-model-memory', '2GB', '--shared-workers', '1', '--json']);
    const ready = await s.ready;
    assert.deepEqual(ready.models, ['identity']);
    const r = await fetch(`${ready.inference}/predictions/identity`, { method: 'POST', body: '[[1,2,3,4]]', headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 200);
    const metrics = await (await fetch(`${ready.metrics}/metrics`)).text();
    assert.match(metrics, /mlserve_model_memory_limit_bytes 2000000000/);
    assert.match(metrics, /mlserve_shared_workers 1/);
    assert.equal((await fetch(`${ready.management}/models?url=identity`, { method: 'POST' })).status, 403);
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0);
  });

  it('fails with coded errors', async () => {
    const pid = ['--pid-file', join(store, 'c.pid')];
    const badKey = join(store, 'bad.properties');
    await writeFile(badKey, 'inference_adress=127.0.0.1:0\n');
    const cases: Array<[string[], number, string]> = [
      [['serve', '--config', badKey, ...PORTS0, ...pid, '--json'], 3, 'MLS_ERR_SERVE_CONFIG'],
      [['serve', '--model-store', store, '--models', 'missing.mar', ...PORTS0, ...pid, '--json'], 3, 'MLS_ERR_SERVE_MODEL_NOT_FOUND'],
      [['serve', '--inference-address', 'nowhere', ...pid, '--json'], 2, 'MLS_ERR_SERVE_ADDRESS'],
      [['serve', '--stop', '--pid-file', join(store, 'none.pid'), '--json'], 5, 'MLS_ERR_SERVE_NOT_RUNNING'],
      [['serve', '--model-control', 'sometimes', ...pid, '--json'], 2, 'MLS_ERR_USAGE'],
      [['serve', '--max-model-memory', '2 gigs', ...pid, '--json'], 2, 'MLS_ERR_INVALID_UNIT'],
    ];
    for (const [args, code, errCode] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, errCode);
    }
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    const r = await runCli(['serve', '--model-store', store, '--inference-address', `127.0.0.1:${port}`, '--management-address', '127.0.0.1:0', '--metrics-address', '127.0.0.1:0', ...pid, '--json']);
    busy.close();
    assert.equal(r.code, 5);
    assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'MLS_ERR_SERVE_PORT_IN_USE');
  });
});
