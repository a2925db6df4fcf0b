// One session.run for the batches a worker receives together. A group frame carries many batches
// (at batch_size 1 under load: one request each); each still goes through its handler on its own,
// but the built-in handlers' session calls made in the same turn are concatenated along the batch
// axis, run once and split back. onnxruntime-node costs ~9 µs per run() whatever the size (a no-op
// model: 8.8 µs for 1 row, 14.3 µs for 11 rows): per request, that was half the worker's CPU.
// Only for models that declare a shared batch axis (dim 0 of every input and output is the same
// symbol, e.g. "N" or "batch"): a model that mixes rows along a dynamic first dimension it did not
// name as one batch axis never sees other requests' rows. Custom handlers' sessions are never merged.
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

/** Collects the runs requested during one synchronous turn and runs them together at its end. */
export class RunMerger {
  private waiting: Waiting[] = [];
  /** Set when a merged run's outputs did not split by rows: this model's runs stay apart from then on. */
  private off = false;

  constructor(private readonly run: Run) {}

  submit(feeds: Feeds): Promise<Feeds> {
    return new Promise((resolve, reject) => {
      if (this.waiting.push({ feeds, resolve, reject }) === 1) queueMicrotask(this.flush);
    });
  }

  private readonly flush = (): void => {
    const batch = this.waiting;
    this.waiting = [];
    const merged = batch.length > 1 && !this.off ? mergeFeeds(batch.map((w) => w.feeds)) : null;
    if (!merged) {
      for (const w of batch) this.runAlone(w);
      return;
    }
    this.run(merged.feeds).then(
      (out) => {
        const pieces = splitOutputs(out, merged.rows);
        if (!pieces) {
          this.off = true;
          return this.runEach(batch);
        }
        batch.forEach((w, i) => w.resolve(pieces[i]!));
      },
      // A failure of the merged run must stay with the batch that caused it: each runs alone.
      () => this.runEach(batch),
    );
  };

  private runEach(batch: Waiting[]): void {
    for (const w of batch) this.runAlone(w);
  }

  private runAlone(w: Waiting): void {
    this.run(w.feeds).then(w.resolve, w.reject);
  }
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
