// --processor: the CPU gets every graph optimization including this CPU's NCHWc layout; GPU and
// Inferentia targets get only the portable fusions (their own provider finishes the job).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFixtureModels, OCR_CLS_MODEL } from '../../fixtures/index.js';
import { optimizeModel } from '../../src/trace/optimize.js';
import { traceModels } from '../../src/trace/trace-models.js';
import type { Processor } from '../../src/trace/session.js';
import { traceSummaryText } from '../../src/trace/summary-text.js';
import { FAST } from './fast.js';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlserve-trace-proc-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function optimizedBytes(processor: Processor): Promise<string> {
  const r = await optimizeModel({
    model: 'ocr',
    modelPath: OCR_CLS_MODEL,
    optimizedPath: join(dir, `ocr-${processor}.onnx`),
    processor,
    batchSize: 2,
    shapes: { x: [1, 3, 48, 192] },
    strictNames: true,
    threads: 1,
  });
  assert.equal(r.level, processor === 'cpu' ? 'all' : 'extended');
  assert.ok(r.maxAbsDiff <= 1e-5);
  return (await readFile(r.optimizedPath)).toString('latin1');
}

test('cpu uses the NCHWc layout of this CPU; gpu and inf keep the model portable', async () => {
  assert.match(await optimizedBytes('cpu'), /ReorderInput/);
  for (const p of ['gpu', 'inf'] as const) assert.doesNotMatch(await optimizedBytes(p), /ReorderInput/);
});

test('--processor inf still measures the local CPU as c5 and estimates inf1 and g4dn', async () => {
  const f = await ensureFixtureModels();
  const r = await traceModels({ inputs: [f.mlp], processor: 'inf', batchSize: 2, rps: 10, shapes: {}, out: join(dir, 'p.yaml'), writeArchive: false, measure: FAST });
  assert.deepEqual(r.failures, []);
  assert.equal(r.optimization, 'extended');
  const p = r.profiles[0]!;
  assert.equal((p.measured as { graphOptimization: string }).graphOptimization, 'extended');
  assert.equal(p.resources.c5!.estimated, undefined);
  assert.equal(p.resources.inf1!.estimated, true);
  const text = traceSummaryText(r);
  assert.match(text, /^mlp\s+\S+ [\d.]+%\s+\S+ [\d.]+%\*/m);
  assert.match(text, /--processor inf: only the CPU execution provider exists here/);
  assert.match(text, /wrote .*p\.yaml \(1 of 1 models\)/);
});
