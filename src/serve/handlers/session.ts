// Runs an ONNX Runtime session on plain tensors, and batches requests through it: inputs of all
// requests are concatenated along dimension 0, run once, and the outputs split back by rows.
import type { HandlerContext, TensorMeta } from './types.js';
import { concatBatch, isDType, splitBatch, type PlainTensor, type TypedData, type DType } from './tensors.js';
import { RunMerger, sharedBatchAxis } from './run-merge.js';

export type Feeds = Record<string, PlainTensor>;

/** Sessions whose runs of one turn go together (run-merge.ts): the built-in handlers' on models with a batch axis. */
const mergers = new WeakMap<object, RunMerger>();

/**
 * Lets the session's runs made in the same turn be merged into one, when its model declares a
 * shared batch axis and its config does not say its rows depend on each other (`mergeRuns: false`).
 */
export function mergeRuns(ctx: HandlerContext): void {
  const s = ctx.session;
  if (ctx.modelConfig.mergeRuns !== false && sharedBatchAxis(s.inputMetadata, s.outputMetadata)) mergers.set(s, new RunMerger((f) => runOnce(ctx, f), ctx.batchSize > 1 ? ctx.batchSize : Infinity));
}

export function runSession(ctx: HandlerContext, feeds: Feeds): Promise<Feeds> {
  const merger = mergers.get(ctx.session);
  return merger ? merger.submit(feeds) : runOnce(ctx, feeds);
}

async function runOnce(ctx: HandlerContext, feeds: Feeds): Promise<Feeds> {
  const ortFeeds: Record<string, InstanceType<typeof ctx.ort.Tensor>> = {};
  for (const [name, t] of Object.entries(feeds)) {
    ortFeeds[name] = new ctx.ort.Tensor(t.type, t.data as Float32Array, t.dims);
  }
  const out = await ctx.session.run(ortFeeds);
  const result: Feeds = {};
  for (const [name, v] of Object.entries(out)) {
    const type = String(v.type);
    if (!isDType(type)) throw new Error(`output ${name} has type ${type}, which mlserve cannot return`);
    result[name] = { type: type as DType, data: v.data as TypedData, dims: [...v.dims] };
  }
  return result;
}

/**
 * Runs several requests' feeds as one batch when their shapes allow it (same inner dimensions and
 * outputs whose first dimension is the total row count); otherwise runs them one by one.
 */
export async function runBatched(ctx: HandlerContext, perRequest: Feeds[]): Promise<Feeds[]> {
  if (perRequest.length === 1) return [await runSession(ctx, perRequest[0]!)];
  const names = Object.keys(perRequest[0]!);
  const merged: Feeds = {};
  let mergeable = perRequest.every((f) => Object.keys(f).length === names.length);
  for (const name of names) {
    if (!mergeable) break;
    const parts = perRequest.map((f) => f[name]);
    const joined = parts.every((p) => p !== undefined && p.dims.length > 0) ? concatBatch(parts as PlainTensor[]) : null;
    if (!joined) mergeable = false;
    else merged[name] = joined;
  }
  const rows = perRequest.map((f) => f[names[0]!]?.dims[0] ?? 1);
  if (mergeable && new Set(names.map((n) => merged[n]!.dims[0])).size === 1) {
    const total = rows.reduce((a, b) => a + b, 0);
    const out = await runSession(ctx, merged);
    if (Object.values(out).every((t) => t.dims[0] === total)) {
      const split: Feeds[] = perRequest.map(() => ({}));
      for (const [name, t] of Object.entries(out)) {
        splitBatch(t, rows).forEach((piece, i) => (split[i]![name] = piece));
      }
      return split;
    }
  }
  const results: Feeds[] = [];
  for (const f of perRequest) results.push(await runSession(ctx, f));
  return results;
}

/** Input/output metadata of a session, with symbolic dimensions as -1. */
export function describeValues(meta: readonly unknown[], names: readonly string[]): TensorMeta[] {
  return names.map((name, i) => {
    const m = meta[i] as { isTensor?: boolean; type?: string; shape?: Array<number | string> } | undefined;
    return {
      name,
      type: m?.type ?? 'unknown',
      shape: (m?.shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : -1)),
    };
  });
}
