// One session.run for the batches a worker receives together. A group frame carries many batches
// (at batch_size 1 under load: one request each); each still goes through its handler on its own,
// but the built-in handlers' session calls made in the same turn are concatenated along the batch
// axis, run once and split back. onnxruntime-node costs ~9 µs per run() whatever the size (a no-op
// model: 8.8 µs for 1 row, 14.3 µs for 11 rows): per request, that was half the worker's CPU.
// Only for models that declare a shared batch axis (dim 0 of every input and output is the same
// symbol, e.g. "N" or "batch"): a model that mixes rows along a dynamic first dimension it did not
// name as one batch axis never sees other requests' rows. Custom handlers' sessions are never merged,
// nor those of a model whose config says `mergeRuns: false`. A batching model's runs never exceed
// its batch_size (RunMerger).
import type { Feeds } from './session.js';
import { concatBatch, splitBatch, type PlainTensor } from './tensors.js';

interface Waiting {
  feeds: Feeds;
  resolve: (out: Feeds) => void;
  reject: (e: unknown) => void;
}

type Run = (feeds: Feeds) => Promise<Feeds>;

/** dim 0 of every input and output is one and the same symbolic dimension (ONNX metadata as onnxruntime-node reports it). */
export function sharedBatchAxis(inputs: readonly unknown[] | undefined, outputs: readonly unknown[] | undefined): boolean {
  const all = [...(inputs ?? []), ...(outputs ?? [])] as Array<{ isTensor?: boolean; shape?: Array<number | string> } | undefined>;
  const axis = all[0]?.shape?.[0];
  return typeof axis === 'string' && axis.length > 0 && all.every((m) => m?.isTensor !== false && m?.shape?.[0] === axis);
}

/**
 * Runs a session's requests, merged. At batch_size 1 (maxRows Infinity) the runs requested during
 * one synchronous turn (the batches of one infer frame, at most 11) go together, as soon as the turn
 * ends. A batching model's runs go one at a time instead, and a run never holds more than
 * batch_size rows: partial batches merge up to it, full batches run alone, and each is answered
 * before the next runs. Merging full batches saves little once a batch is that large, and a worker
 * that answers two batches at once then idles while the frontend writes their answers and sends the
 * next ones (src/serve/DESIGN.md, "One session run per worker turn").
 */
export class RunMerger {
  private waiting: Waiting[] = [];
  private busy = false;
  /** Set when a merged run's outputs did not split by rows: this model's runs stay apart from then on. */
  private off = false;
  private readonly serial: boolean;

  constructor(
    private readonly run: Run,
    private readonly maxRows = Infinity,
  ) {
    this.serial = Number.isFinite(maxRows);
  }

  submit(feeds: Feeds): Promise<Feeds> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ feeds, resolve, reject });
      if (this.busy) return;
      this.busy = true;
      // After this synchronous turn: the batches of one infer frame all reach here first.
      queueMicrotask(this.next);
    });
  }

  // Serial: the next run starts from a setImmediate queued when this one settled, and ONNX
  // Runtime's run one immediate later, so the worker's answers of this run (written on
  // setImmediate) leave before it.
  private readonly next = (): void => {
    const chunk = this.serial ? this.take() : this.waiting.splice(0);
    if (chunk.length === 0) {
      this.busy = false;
      return;
    }
    if (!this.serial) {
      this.busy = false;
      void this.runChunk(chunk);
    } else void this.runChunk(chunk).then(() => setImmediate(this.next));
  };

  /** Serial: the waiting runs in order while their rows fit maxRows (always at least one). */
  private take(): Waiting[] {
    let rows = 0;
    let n = 0;
    while (n < this.waiting.length) {
      const r = rowsOf(this.waiting[n]!.feeds);
      if (n > 0 && (this.off || rows + r > this.maxRows)) break;
      rows += r;
      n++;
    }
    return this.waiting.splice(0, n);
  }

  private async runChunk(chunk: Waiting[]): Promise<void> {
    const merged = chunk.length > 1 && !this.off ? mergeFeeds(chunk.map((w) => w.feeds)) : null;
    if (merged) {
      try {
        const pieces = splitOutputs(await this.run(merged.feeds), merged.rows);
        if (pieces) {
          chunk.forEach((w, i) => w.resolve(pieces[i]!));
          return;
        }
        this.off = true;
      } catch {
        // A failure of the merged run must stay with the batch that caused it: each runs alone.
      }
    }
    if (!this.serial) {
      for (const w of chunk) this.run(w.feeds).then(w.resolve, w.reject);
      return;
    }
    for (const w of chunk) await this.run(w.feeds).then(w.resolve, w.reject);
  }
}

function rowsOf(feeds: Feeds): number {
  for (const name in feeds) return feeds[name]!.dims[0] ?? 1;
  return 1;
}

/** The feeds concatenated along dim 0, or null when they do not line up (other names, types or inner dims). */
function mergeFeeds(all: Feeds[]): { feeds: Feeds; rows: number[] } | null {
  const names = Object.keys(all[0]!);
  const merged: Feeds = {};
  for (const name of names) {
    const parts: PlainTensor[] = [];
    for (const f of all) {
      const t = f[name];
      if (!t || t.dims.length === 0 || Object.keys(f).length !== names.length) return null;
      parts.push(t);
    }
    const joined = concatBatch(parts);
    if (!joined) return null;
    merged[name] = joined;
  }
  const rows = all.map((f) => f[names[0]!]!.dims[0]!);
  const total = rows.reduce((a, b) => a + b, 0);
  if (names.some((n) => merged[n]!.dims[0] !== total)) return null;
  return { feeds: merged, rows };
}

/** Each output split back by the runs' row counts; null when an output does not have one row per input row. */
function splitOutputs(out: Feeds, rows: number[]): Feeds[] | null {
  const total = rows.reduce((a, b) => a + b, 0);
  const pieces: Feeds[] = rows.map(() => ({}));
  for (const [name, t] of Object.entries(out)) {
    if (t.dims[0] !== total) return null;
    splitBatch(t, rows).forEach((p, i) => (pieces[i]![name] = p));
  }
  return pieces;
}
