// Time as the frontend's modules see it: a monotonic reading in milliseconds and timers. The
// server runs on the system clock; tests give the queue, the registry and the worker supervisors a
// FakeClock (test/helpers/fake-clock.ts) and move time themselves, so a 30 s backoff or a 120 s
// response timeout is checked in microseconds and a loaded machine cannot make them fire early or
// late. Nothing in src/serve/frontend reads performance.now(), Date.now() or setTimeout directly;
// the model-store poller, the metrics log, the node:http listeners' first-byte timer, `serve --stop`
// and the gRPC deadlines take the same clock.

/** A pending timer; `unref()` lets the process exit while it waits (Node's semantics; a no-op for fakes). */
export interface TimerHandle {
  unref(): TimerHandle;
}

export interface Clock {
  /** Monotonic milliseconds (performance.now() on the system clock): for every interval and deadline. */
  now(): number;
  /**
   * Milliseconds since the epoch (Date.now() on the system clock): only for times other machines
   * read (log timestamps) or give us (a gRPC call's deadline), never to measure an interval.
   */
  epochMs(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  setInterval(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timeout or an interval (undefined is ignored). */
  clearTimer(t: TimerHandle | undefined): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  epochMs: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearTimer: (t) => clearTimeout(t as NodeJS.Timeout | undefined),
};
