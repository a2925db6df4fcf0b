// The pid file of a running server (like torchserve's), so `mlserve serve --stop` can find it.
// It holds just the pid, so shell scripts can `kill $(cat FILE)` too.
import { readFile, rm } from 'node:fs/promises';
import { MlsError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { isProcessAlive as alive } from '../process-alive.js';
import { systemClock, type Clock } from './clock.js';

/** How `serve --stop` waits for the server to exit after SIGTERM (it drains first: up to drain_timeout). */
export interface StopWait {
  timeoutMs: number;
  /** How often it looks whether the process is gone. */
  pollMs: number;
  /** Tests give a FakeClock and move it instead of waiting. */
  clock?: Clock;
}

export const DEFAULT_STOP_WAIT: StopWait = { timeoutMs: 60_000, pollMs: 50 };

async function readPid(path: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Writes our pid; refuses if the file names another live process. A stale file is replaced. */
export async function claimPidFile(path: string): Promise<void> {
  const pid = await readPid(path);
  if (pid !== undefined && pid !== process.pid && alive(pid)) {
    throw new MlsError('MLS_ERR_SERVE_ALREADY_RUNNING', { pid, path });
  }
  await writeFileAtomic(path, `${process.pid}\n`);
}

/** Removes the pid file if it is still ours. */
export async function releasePidFile(path: string): Promise<void> {
  if ((await readPid(path)) === process.pid) await rm(path, { force: true });
}

/** Sends SIGTERM to the server named by the pid file and waits until it has exited. */
export async function stopServer(path: string, wait: Partial<StopWait> = {}): Promise<{ pid: number; pidFile: string }> {
  const { timeoutMs, pollMs, clock = systemClock } = { ...DEFAULT_STOP_WAIT, ...wait };
  const pid = await readPid(path);
  if (pid === undefined) throw new MlsError('MLS_ERR_SERVE_NOT_RUNNING', { noPid: { path } });
  if (!alive(pid)) {
    await rm(path, { force: true });
    throw new MlsError('MLS_ERR_SERVE_NOT_RUNNING', { stale: { path, pid } });
  }
  process.kill(pid, 'SIGTERM');
  const deadline = clock.now() + timeoutMs;
  while (alive(pid)) {
    if (clock.now() >= deadline) throw new MlsError('MLS_ERR_SERVE_STOP_TIMEOUT', { pid, timeoutMs });
    await new Promise((r) => clock.setTimeout(() => r(undefined), pollMs));
  }
  await rm(path, { force: true });
  return { pid, pidFile: path };
}
