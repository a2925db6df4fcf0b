// `mlserve serve --stop` (stopServer): SIGTERM, then wait on the injected clock until the process is
// gone or the stop timeout passes. The server stand-ins are real processes; time is a FakeClock, so
// the 60 s default is checked without waiting for it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATALOG } from '../../src/errors.js';
import { DEFAULT_STOP_WAIT, stopServer } from '../../src/serve/pid-file.js';
import { FakeClock, settle } from '../helpers/fake-clock.js';
import { refusal } from '../helpers/refusal.js';

/** A process that says 'ready' once its SIGTERM handler is in place; `ignore`: it never exits on SIGTERM. */
async function standIn(ignore: boolean) {
  const onTerm = ignore ? '() => {}' : '() => process.exit(0)';
  const child = spawn(process.execPath, ['-e', `process.on('SIGTERM', ${onTerm}); console.log('ready'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(child.stdout, 'data');
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-stop-'));
  const pidFile = join(dir, 'serve.pid');
  await writeFile(pidFile, String(child.pid));
  const done = async () => {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };
  return { child, pidFile, done };
}

/** Moves the clock one poll at a time (each time the wait has armed its timer) until `p` settles. */
async function drive(p: Promise<unknown>, clock: FakeClock, stepMs: number, maxSteps: number): Promise<number> {
  let settled = false;
  p.then(() => (settled = true), () => (settled = true));
  let steps = 0;
  for (; !settled && steps <= maxSteps; steps++) {
    while (!settled && clock.pending === 0) await settle();
    if (!settled) clock.advance(stepMs);
    await settle();
  }
  return steps;
}

describe('serve --stop', () => {
  it('gives up with MLS_ERR_SERVE_STOP_TIMEOUT when the server outlives the stop timeout on the clock, not before', async () => {
    const s = await standIn(true);
    try {
      const clock = new FakeClock();
      const start = clock.now();
      const stop = stopServer(s.pidFile, { clock });
      const polls = DEFAULT_STOP_WAIT.timeoutMs / DEFAULT_STOP_WAIT.pollMs;
      await drive(stop, clock, DEFAULT_STOP_WAIT.pollMs, polls + 5);
      const e = await refusal(() => stop);
      assert.equal(e.code, 'MLS_ERR_SERVE_STOP_TIMEOUT');
      assert.equal(e.exitCode, CATALOG.MLS_ERR_SERVE_STOP_TIMEOUT.exit);
      assert.match(e.message, new RegExp(String(s.child.pid)));
      assert.equal(clock.now() - start, DEFAULT_STOP_WAIT.timeoutMs, 'it waited exactly the stop timeout');
      assert.ok(existsSync(s.pidFile), 'the pid file of a server still running is kept');
    } finally {
      await s.done();
    }
  });

  it('returns once the server has exited, and removes its pid file', async () => {
    const s = await standIn(false);
    try {
      // The system clock: the stand-in exits at once, so this waits about one poll (50 ms).
      assert.deepEqual(await stopServer(s.pidFile), { pid: s.child.pid, pidFile: s.pidFile });
      assert.ok(!existsSync(s.pidFile));
    } finally {
      await s.done();
    }
  });
});
