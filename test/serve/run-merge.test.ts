// The worker's run merging (src/serve/handlers/run-merge.ts): batches that reach the built-in
// handler in the same turn share one session.run, each still gets its own answer and its own
// failures, and models without a declared batch axis are never merged.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ort from '../../src/onnxruntime.js';
import { ensureFixtureModels } from '../../fixtures/index.js';
import { RunMerger, sharedBatchAxis } from '../../src/serve/handlers/run-merge.js';
import { describeValues, mergeRuns, type Feeds } from '../../src/serve/handlers/session.js';
import { baseHandler } from '../../src/serve/handlers/base-handler.js';
import { loadHandler } from '../../src/serve/handlers/load-handler.js';
import type { HandlerContext, HandlerRequest } from '../../src/serve/handlers/types.js';

const meta = (...shape: Array<number | string>) => ({ isTensor: true, type: 'float32', shape });

function json(value: unknown): HandlerRequest {
  const body = Buffer.from(JSON.stringify(value));
  return { body, contentType: 'application/json', parts: [{ name: 'body', contentType: 'application/json', body }] };
}

async function identityContext(): Promise<{ ctx: HandlerContext; runs: () => number }> {
  const fx = await ensureFixtureModels();
  const session = await ort.InferenceSession.create(fx.identity, { intraOpNumThreads: 1 });
  let runs = 0;
  const run = session.run.bind(session);
  // Counts the calls that reach onnxruntime; the session still does the work.
  (session as { run: typeof session.run }).run = ((feeds: Parameters<typeof run>[0]) => {
    runs++;
    return run(feeds);
  }) as typeof session.run;
  const ctx: HandlerContext = {
    modelName: 'identity', modelVersion: '1.0', modelDir: '.', manifest: {} as HandlerContext['manifest'], modelConfig: {}, batchSize: 1, session, ort,
    inputs: describeValues(session.inputMetadata, session.inputNames), outputs: describeValues(session.outputMetadata, session.outputNames),
  };
  return { ctx, runs: () => runs };
}

describe('run merging', () => {
  it('merges only models whose inputs and outputs share one symbolic first dimension', () => {
    assert.equal(sharedBatchAxis([meta('N', 4)], [meta('N', 4), meta('N')]), true);
    assert.equal(sharedBatchAxis([meta('N', 4)], [meta('M', 4)]), false, 'another symbol: not declared as one axis');
    assert.equal(sharedBatchAxis([meta(1, 4)], [meta(1, 4)]), false, 'a fixed batch of 1');
    assert.equal(sharedBatchAxis([meta('N', 4)], [meta(4)]), false, 'an output without the axis');
    assert.equal(sharedBatchAxis([meta()], [meta()]), false, 'scalars');
    assert.equal(sharedBatchAxis(undefined, undefined), false);
  });

  it('answers batches handled in the same turn with one session.run, each with its own rows', async () => {
    const { ctx, runs } = await identityContext();
    mergeRuns(ctx);
    const batches = [[json([[1, 2, 3, 4]])], [json([[5, 6, 7, 8], [9, 10, 11, 12]])], [json([0, 0, 0, 1])]];
    const outs = await Promise.all(batches.map((b) => baseHandler.handle(b, ctx)));
    assert.equal(runs(), 1);
    assert.deepEqual(outs.map((o) => (o as Array<{ text: string }>).map((r) => JSON.parse(r.text) as unknown)), [
      [{ output: [[1, 2, 3, 4]] }],
      [{ output: [[5, 6, 7, 8], [9, 10, 11, 12]] }],
      [{ output: [0, 0, 0, 1] }],
    ]);
    // A bad request fails alone; the others of the turn still share a run.
    const mixed = await Promise.all([[json([[1, 2, 3]])], [json([[1, 1, 1, 1]])], [json([[2, 2, 2, 2]])]].map((b) => baseHandler.handle(b, ctx)));
    assert.ok(mixed[0]![0] instanceof Error);
    assert.deepEqual(JSON.parse((mixed[2]![0] as { text: string }).text), { output: [[2, 2, 2, 2]] });
    assert.equal(runs(), 2);
  });

  it('keeps every batch in its own run when the model config says mergeRuns: false', async () => {
    const { ctx, runs } = await identityContext();
    const handler = await loadHandler('base_handler', '.', { ...ctx, modelConfig: { mergeRuns: false } });
    const outs = await Promise.all([[json([[1, 2, 3, 4]])], [json([[5, 6, 7, 8]])], [json([[9, 10, 11, 12]])]].map((b) => handler.handle(b, ctx)));
    assert.equal(runs(), 3);
    assert.deepEqual(outs.map((o) => JSON.parse((o as Array<{ text: string }>)[0]!.text) as unknown), [{ output: [[1, 2, 3, 4]] }, { output: [[5, 6, 7, 8]] }, { output: [[9, 10, 11, 12]] }]);
    // The same model without the switch: the built-in handler merges the turn's runs.
    const merged = await identityContext();
    const h2 = await loadHandler('base_handler', '.', merged.ctx);
    await Promise.all([[json([[1, 2, 3, 4]])], [json([[5, 6, 7, 8]])]].map((b) => h2.handle(b, merged.ctx)));
    assert.equal(merged.runs(), 1);
  });

  it('a batching model: a run holds at most batch_size rows, runs go one at a time, and each is answered before the next runs', async () => {
    const events: string[] = [];
    // Like onnxruntime-node: the run happens in a setImmediate after the call.
    const merger = new RunMerger((feeds) => new Promise((resolve) => setImmediate(() => {
      events.push(`run ${feeds.x!.dims[0]}`);
      resolve({ y: feeds.x! });
    })), 8);
    const t = (rows: number): Feeds => ({ x: { type: 'float32', data: new Float32Array(rows * 2).fill(rows), dims: [rows, 2] } });
    // The worker writes a run's answers on setImmediate once its handler has them.
    const answered = (p: Promise<Feeds>, name: string) => p.then((out) => {
      setImmediate(() => events.push(`answer ${name}`));
      return out;
    });
    const outs = await Promise.all([answered(merger.submit(t(8)), 'A'), answered(merger.submit(t(8)), 'B'), answered(merger.submit(t(3)), 'C'), answered(merger.submit(t(4)), 'D')]);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(events, ['run 8', 'answer A', 'run 8', 'answer B', 'run 7', 'answer C', 'answer D'], 'full batches alone, partial ones merged up to 8 rows');
    assert.deepEqual(outs.map((o) => o.y!.dims), [[8, 2], [8, 2], [3, 2], [4, 2]]);
    assert.deepEqual([...outs[3]!.y!.data].slice(0, 2), [4, 4], 'split back by rows');
  });

  it('runs apart the feeds that do not line up, and keeps a failing run with its own batch', async () => {
    const calls: Feeds[] = [];
    const merger = new RunMerger(async (feeds) => {
      calls.push(feeds);
      const x = feeds.x!;
      if ((x.data as Float32Array).includes(-1)) throw new Error('bad row');
      return { y: x };
    });
    const t = (dims: number[], fill: number): Feeds => ({ x: { type: 'float32', data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(fill), dims } });
    const apart = await Promise.all([merger.submit(t([1, 4], 1)), merger.submit(t([1, 3], 2))]);
    assert.equal(calls.length, 2, 'other inner dims: two runs');
    assert.deepEqual(apart.map((o) => o.y!.dims), [[1, 4], [1, 3]]);
    calls.length = 0;
    const settled = await Promise.allSettled([merger.submit(t([1, 2], 1)), merger.submit(t([2, 2], -1)), merger.submit(t([1, 2], 3))]);
    assert.equal(calls.length, 4, 'the merged run failed: each batch ran alone');
    assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual([...(settled[2] as PromiseFulfilledResult<Feeds>).value.y!.data], [3, 3]);
  });
});
