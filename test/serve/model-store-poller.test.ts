// The model-store poller on a FakeClock: scans happen only when --poll-interval has passed on the
// clock, an archive is acted on once it looks the same in two scans, and a stopped poller scans no
// more. The registry is a stand-in that records what the poller asks of it (the whole-server
// behaviour is test/serve/model-control.test.ts); the store is a real folder.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelStorePoller, type PolledRegistry } from '../../src/serve/model-store-poller.js';
import { memoryLogger } from '../../src/log.js';
import { FakeClock, settle } from '../helpers/fake-clock.js';

const INTERVAL = 2000;

/** Records register/unregister calls; names a model after its archive file. */
function recordingRegistry() {
  const loaded = new Map<string, string>(); // name -> url
  const calls: string[] = [];
  const reg = {
    names: () => [...loaded.keys()],
    allVersions: (n: string) => [{ name: n, version: '1.0', archive: { url: loaded.get(n)! } }],
    find: (n: string) => (loaded.has(n) ? { name: n } : undefined),
    register: async ({ url }: { url: string }) => {
      if (url.startsWith('broken')) throw new Error('not an archive');
      const name = url.replace(/\..*$/, '');
      loaded.set(name, url);
      calls.push(`register ${url}`);
      return { name, version: '1.0' };
    },
    unregister: async (n: string) => {
      loaded.delete(n);
      calls.push(`unregister ${n}`);
    },
  };
  return { reg: reg as unknown as PolledRegistry, calls, loaded };
}

let store: string;
let clock: FakeClock;

beforeEach(async () => {
  store = await mkdtemp(join(tmpdir(), 'mlserve-poll-'));
  clock = new FakeClock();
});
afterEach(() => rm(store, { recursive: true, force: true }));

/** Moves the clock by one interval and waits for that scan to finish (it schedules the next one). */
async function tick(poller: ModelStorePoller): Promise<void> {
  const pending = (): number => clock.pending;
  assert.equal(pending(), 1, 'one scan is scheduled');
  clock.advance(INTERVAL);
  assert.equal(pending(), 0, 'the scan started');
  await poller.idle();
  assert.equal(pending(), 1, 'the scan finished and scheduled the next');
}

describe('model store poller', () => {
  it('scans only when the interval has passed on its clock, and loads an archive once two scans saw it unchanged', async () => {
    const { reg, calls } = recordingRegistry();
    const poller = new ModelStorePoller(store, reg, memoryLogger(), { intervalMs: INTERVAL, clock });
    await poller.start();
    await writeFile(join(store, 'a.mar'), 'one');
    clock.advance(INTERVAL - 1);
    await settle();
    assert.equal(clock.pending, 1, 'no scan before the interval');
    await tick(poller); // first sight of a.mar: not stable yet
    assert.deepEqual(calls, []);
    await tick(poller); // the same in two scans: loaded
    assert.deepEqual(calls, ['register a.mar']);
    await tick(poller); // unchanged: nothing to do
    assert.deepEqual(calls, ['register a.mar']);
    await poller.stop();
    assert.equal(clock.pending, 0, 'a stopped poller schedules nothing');
  });

  it('waits while an archive is still changing, reloads a changed one, unloads a removed one', async () => {
    const { reg, calls } = recordingRegistry();
    await writeFile(join(store, 'a.mar'), 'one');
    await reg.register({ url: 'a.mar' });
    calls.length = 0;
    const poller = new ModelStorePoller(store, reg, memoryLogger(), { intervalMs: INTERVAL, clock });
    await poller.start(); // a.mar as registered is the starting state
    await tick(poller);
    assert.deepEqual(calls, []);
    await writeFile(join(store, 'a.mar'), 'one, and more being copied');
    await tick(poller);
    await writeFile(join(store, 'a.mar'), 'one, and more being copied in, done');
    await tick(poller); // still changing between scans: left alone
    assert.deepEqual(calls, []);
    await tick(poller); // stable: reloaded
    assert.deepEqual(calls, ['unregister a', 'register a.mar']);
    await rm(join(store, 'a.mar'));
    await tick(poller); // gone: unloaded at once
    assert.deepEqual(calls, ['unregister a', 'register a.mar', 'unregister a']);
    await poller.stop();
  });

  it('logs an archive that fails to load and retries it only once it changes; folders count by their files', async () => {
    const { reg, calls } = recordingRegistry();
    const log = memoryLogger();
    const poller = new ModelStorePoller(store, reg, log, { intervalMs: INTERVAL, clock });
    await poller.start();
    await writeFile(join(store, 'broken.mar'), 'x');
    await mkdir(join(store, 'f', 'MAR-INF'), { recursive: true });
    await writeFile(join(store, 'f', 'MAR-INF', 'MANIFEST.json'), '{}');
    await tick(poller);
    await tick(poller);
    assert.deepEqual(calls, ['register f']);
    assert.equal(log.lines.filter((l) => l.includes('could not load broken.mar')).length, 1);
    await tick(poller);
    assert.equal(log.lines.filter((l) => l.includes('could not load broken.mar')).length, 1, 'not retried while unchanged');
    await writeFile(join(store, 'f', 'model.onnx'), 'weights');
    await tick(poller);
    await tick(poller);
    assert.deepEqual(calls, ['register f', 'unregister f', 'register f'], 'a new file in a folder archive reloads it');
    await poller.stop();
  });
});
