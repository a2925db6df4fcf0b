// Triton's "poll" model control: the model store is scanned every --poll-interval; an archive that
// appears is registered, one that disappears is unregistered, one that changes is reloaded
// (unregistered, then registered again). An archive is acted on only once it looks the same in two
// scans in a row, so a file still being copied in is not loaded half-written.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import type { Registry } from './frontend/registry.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';

export const ARCHIVE_RE = /\.(mar|tar\.gz|tgz|zip)$/;

/** Archives in the store: archive files, and folders holding MAR-INF/MANIFEST.json. */
export async function storeArchives(store: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of (await readdir(store)).sort()) {
    if (ARCHIVE_RE.test(f)) out.push(f);
    else if ((await stat(join(store, f)).catch(() => null))?.isDirectory()) {
      if (await stat(join(store, f, 'MAR-INF', 'MANIFEST.json')).catch(() => null)) out.push(f);
    }
  }
  return out;
}

/** Size and modification time of an archive; for a folder, of every file directly in it and its manifest. */
async function signature(store: string, url: string): Promise<string | undefined> {
  const path = join(store, url);
  const st = await stat(path).catch(() => null);
  if (!st) return undefined;
  if (!st.isDirectory()) return `${st.size}:${st.mtimeMs}`;
  const parts: string[] = [];
  for (const dir of [path, join(path, 'MAR-INF')]) {
    for (const f of (await readdir(dir).catch(() => [] as string[])).sort()) {
      const s = await stat(join(dir, f)).catch(() => null);
      if (s?.isFile()) parts.push(`${f}:${s.size}:${s.mtimeMs}`);
    }
  }
  return parts.join('|');
}

/** What the poller uses of the registry (tests give a small stand-in that records the calls). */
export type PolledRegistry = Pick<Registry, 'names' | 'allVersions' | 'find' | 'register' | 'unregister'>;

export interface PollTiming {
  /** --poll-interval (`ServeOptions.pollIntervalMs`). */
  intervalMs: number;
  /** Tests give a FakeClock and move it by the interval instead of waiting for it. */
  clock?: Clock;
}

interface Known {
  name: string;
  version: string;
  sig: string;
}

export class ModelStorePoller {
  private readonly known = new Map<string, Known>();
  /** Signatures seen in the previous scan (an archive must be stable across two scans). */
  private last = new Map<string, string>();
  private timer?: TimerHandle;
  private scanning?: Promise<void>;
  private stopped = false;
  private get clock(): Clock {
    return this.every.clock ?? systemClock;
  }

  constructor(
    private readonly store: string,
    private readonly reg: PolledRegistry,
    private readonly log: Logger,
    private readonly every: PollTiming,
  ) {}

  /** Takes what is registered now as the starting state, then scans every interval. */
  async start(): Promise<void> {
    for (const n of this.reg.names()) {
      for (const e of this.reg.allVersions(n)) {
        const sig = await signature(this.store, e.archive.url);
        if (sig) this.known.set(e.archive.url, { name: e.name, version: e.version, sig });
      }
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock
      .setTimeout(() => {
        this.scanning = this.scan()
          .catch((e: unknown) => this.log.warn(`model store poll: ${(e as Error).message}`))
          .finally(() => this.schedule());
      }, this.every.intervalMs)
      .unref();
  }

  /** One pass: unload what went away, load what is new, reload what changed. */
  async scan(): Promise<void> {
    const now = new Map<string, string>();
    for (const url of await storeArchives(this.store)) {
      const sig = await signature(this.store, url);
      if (sig) now.set(url, sig);
    }
    for (const [url, k] of [...this.known]) {
      if (now.has(url)) continue;
      this.known.delete(url);
      await this.unload(url, k);
    }
    for (const [url, sig] of now) {
      if (this.stopped || this.last.get(url) !== sig) continue; // not stable yet
      const k = this.known.get(url);
      if (k?.sig === sig) continue;
      if (k) await this.unload(url, k);
      this.known.delete(url);
      try {
        const e = await this.reg.register({ url, loadedAtStartup: false });
        this.known.set(url, { name: e.name, version: e.version, sig });
        this.log.info(`model store: ${k ? 'reloaded' : 'loaded'} ${e.name} ${e.version} (${url})`);
      } catch (e) {
        // Remembered with its signature so a broken archive is retried only once it changes.
        this.known.set(url, { name: '', version: '', sig });
        this.log.warn(`model store: could not load ${url}: ${(e as Error).message}`);
      }
    }
    this.last = now;
  }

  private async unload(url: string, k: Known): Promise<void> {
    if (!k.name || !this.reg.find(k.name, k.version)) return;
    try {
      await this.reg.unregister(k.name, k.version, true);
      this.log.info(`model store: unloaded ${k.name} ${k.version} (${url} changed or was removed)`);
    } catch (e) {
      this.log.warn(`model store: could not unload ${k.name} ${k.version}: ${(e as Error).message}`);
    }
  }

  /** Settles when the scan in progress (if any) has finished and the next one is scheduled. */
  async idle(): Promise<void> {
    await this.scanning;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimer(this.timer);
    await this.scanning;
  }
}
