// No file an earlier server left stops a new one: the default pid file (and the snapshot beside
// it) belongs to one model store, a snapshot restores only into its own store, and an archive a
// snapshot names that is gone is skipped with a warning (and left out of the next snapshot).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFixtureModels } from '../../fixtures/index.js';
import { defaultPidFile } from '../../src/serve/config.js';
import { PORTS0, runCli, startCli } from '../helpers/cli.js';
import { addFolderArchive, tempStore, waitFor } from './store.js';

let storeA: string;
let storeB: string;
let tmp: string;

function savedModel(name: string, url: string): Record<string, unknown> {
  return { name, version: '1.0', url, isDefault: true, minWorkers: 1, maxWorkers: 1, batchSize: 1, maxBatchDelay: 100, responseTimeout: 120 };
}

async function writeSnapshot(file: string, modelStore: string | undefined, models: Array<Record<string, unknown>>): Promise<void> {
  const doc = { apiVersion: 'mlserve/v1', kind: 'ServeSnapshot', savedAt: new Date(0).toISOString(), ...(modelStore ? { modelStore } : {}), models };
  await writeFile(file, JSON.stringify(doc));
}

before(async () => {
  const fx = await ensureFixtureModels();
  storeA = await tempStore();
  storeB = await tempStore();
  await addFolderArchive(storeA, { name: 'identity', model: fx.identity, handler: 'base_handler' });
  await addFolderArchive(storeB, { name: 'identity', model: fx.identity, handler: 'base_handler' });
  tmp = await mkdtemp(join(tmpdir(), 'mls-stale-'));
});

after(async () => {
  for (const d of [storeA, storeB, tmp]) if (d) await rm(d, { recursive: true, force: true });
});

describe('stale server state', () => {
  it('derives the default pid file from the model store', () => {
    assert.notEqual(defaultPidFile(storeA), defaultPidFile(storeB));
    assert.equal(defaultPidFile(storeA), defaultPidFile(`${storeA}/`));
    assert.match(defaultPidFile(storeA), /\.mlserve-[0-9a-f]{12}\.pid$/);
  });

  it('runs two servers with their own stores and default pid files side by side, and stops each by its store', async () => {
    const env = { TMPDIR: tmp };
    const a = startCli(['serve', '--model-store', storeA, ...PORTS0, '--json'], { env });
    const b = startCli(['serve', '--model-store', storeB, ...PORTS0, '--json'], { env });
    const [ra, rb] = await Promise.all([a.ready, b.ready]);
    assert.notEqual(ra.pid, rb.pid);
    const stop = await runCli(['serve', '--stop', '--model-store', storeB, '--json'], { env });
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal((JSON.parse(stop.stdout) as { pid: number }).pid, rb.pid);
    assert.equal(await b.exit, 0);
    assert.equal((await fetch(`${ra.inference}/ping`)).status, 200, 'the other store\'s server still runs');
    a.child.kill('SIGTERM');
    assert.equal(await a.exit, 0);
  });

  it('does not restore a snapshot written for another model store', async () => {
    const snap = join(tmp, 'other-store.snapshot.json');
    await writeSnapshot(snap, storeA, [savedModel('identity', 'identity')]);
    const s = startCli(['serve', '--model-store', storeB, ...PORTS0, '--snapshot-file', snap, '--pid-file', join(tmp, 'o.pid'), '--json']);
    assert.deepEqual((await s.ready).models, []);
    assert.match(s.stderr(), /belongs to the model store/);
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0);
  });

  for (const owner of ['this store', 'no store (an older snapshot)']) {
    it(`skips an archive the snapshot names that is gone, with a warning, and leaves it out of the next snapshot (${owner})`, async () => {
      const snap = join(tmp, `gone-${owner.length}.snapshot.json`);
      await writeSnapshot(snap, owner === 'this store' ? storeA : undefined, [savedModel('gone', 'affine.mar'), savedModel('identity', 'identity')]);
      const s = startCli(['serve', '--model-store', storeA, ...PORTS0, '--snapshot-file', snap, '--pid-file', join(tmp, `g${owner.length}.pid`), '--json']);
      assert.deepEqual((await s.ready).models, ['identity']);
      assert.match(s.stderr(), /gone 1\.0 not restored: Model not found in model store: affine\.mar/);
      await waitFor('the next snapshot', async () => !(await readFile(snap, 'utf8')).includes('affine.mar'));
      s.child.kill('SIGTERM');
      assert.equal(await s.exit, 0);
      const next = JSON.parse(await readFile(snap, 'utf8')) as { modelStore: string; models: Array<{ name: string }> };
      assert.deepEqual(next.models.map((m) => m.name), ['identity']);
      assert.equal(next.modelStore, storeA);
    });
  }
});
