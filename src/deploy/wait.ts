// Polls a condition until it yields a value or the time runs out: used to wait for servers to
// become ready or to exit, without sleeping for a fixed time.
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitFor<T>(probe: () => Promise<T | undefined>, o: { timeoutMs: number; intervalMs: number }): Promise<T | undefined> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() >= deadline) return undefined;
    await sleep(Math.min(o.intervalMs, Math.max(1, deadline - Date.now())));
  }
}
