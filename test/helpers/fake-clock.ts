// A clock tests move by hand (src/serve/clock.ts): timers fire in time order, each at its own
// time, only inside advance(). A 30 s backoff or a 120 s timeout is checked without waiting for it,
// and a loaded machine cannot make it fire early or late.
import type { Clock, TimerHandle } from '../../src/serve/clock.js';

interface FakeTimer extends TimerHandle {
  at: number;
  fn: () => void;
  /** Interval period; undefined for a one-shot timer. */
  every?: number;
  seq: number;
}

export class FakeClock implements Clock {
  private t: number;
  private timers = new Set<FakeTimer>();
  private seq = 0;

  /** `epoch`: what epochMs() reads at `start` (a fixed day, so log timestamps are known). */
  constructor(
    start = 1000,
    private readonly epoch = 1_733_000_000_000,
  ) {
    this.t = start;
    this.epoch -= start;
  }

  now(): number {
    return this.t;
  }

  epochMs(): number {
    return this.epoch + this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, Math.max(1, ms));
  }

  clearTimer(t: TimerHandle | undefined): void {
    if (t) this.timers.delete(t as FakeTimer);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.t = next.at;
      if (next.every) next.at += next.every;
      else this.timers.delete(next);
      next.fn();
    }
    this.t = end;
  }

  private nextDue(end: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const x of this.timers) if (x.at <= end && (!best || x.at < best.at || (x.at === best.at && x.seq < best.seq))) best = x;
    return best;
  }

  private add(fn: () => void, ms: number, every?: number): FakeTimer {
    const timer: FakeTimer = { at: this.t + Math.max(0, ms), fn, every, seq: this.seq++, unref: () => timer };
    this.timers.add(timer);
    return timer;
  }
}

/** Lets promise callbacks and I/O-free continuations run (one macrotask turn). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
