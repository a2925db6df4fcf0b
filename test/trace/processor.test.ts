// --processor: what the saved model holds. The CPU gets fusions into onnxruntime's CPU operators
// but not the NCHWc layout of this particular CPU; GPU and Inferentia get standard ONNX operators
// only (their own provider or compiler finishes the job).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
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

/** Operator types of the saved model, with their domain: `com.microsoft:FusedConv`. */
async function savedOperators(processor: Processor): Promise<Set<string>> {
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
  assert.equal(r.level, processor === 'cpu' ? 'extended' : 'basic');
  assert.ok(r.maxAbsDiff <= 1e-5);
  const model = fromBinary(ModelProtoSchema, await readFile(r.optimizedPath));
  return new Set(model.graph!.node.map((n) => (n.domain ? `${n.domain}:${n.opType}` : n.opType)));
}

test('cpu saves fusions into CPU contrib operators but no CPU-specific NCHWc layout; gpu and inf keep standard ONNX operators', async () => {
  const cpu = await savedOperators('cpu');
  assert.ok(cpu.has('com.microsoft:FusedConv'), [...cpu].join(' '));
  assert.ok(![...cpu].some((op) => op.startsWith('com.microsoft.nchwc:')), [...cpu].join(' '));
  assert.ok(!cpu.has('BatchNormalization'), 'BatchNormalization folded into Conv');
  for (const p of ['gpu', 'inf'] as const) {
    const ops = await savedOperators(p);
    assert.ok([...ops].every((op) => !op.includes(':')), `${p}: ${[...ops].join(' ')}`);
    assert.ok(!ops.has('BatchNormalization'), `${p}: BatchNormalization folded into Conv`);
  }
});

test('--processor inf still measures the local CPU as c5 and estimates inf1 and g4dn', async () => {
  const f = await ensureFixtureModels();
  const r = await traceModels({ inputs: [f.mlp], processor: 'inf', batchSize: 2, rps: 10, shapes: {}, out: join(dir, 'p.yaml'), writeArchive: false, measure: FAST });
  assert.deepEqual(r.failures, []);
  assert.equal(r.optimization, 'basic');
  const p = r.profiles[0]!;
  assert.equal(p.measured!.graphOptimization, 'basic');
  assert.equal(p.measured!['servedWith'], 'all');
  assert.equal(p.resources.c5!.estimated, undefined);
  assert.equal(p.resources.inf1!.estimated, true);
  const text = traceSummaryText(r);
  assert.match(text, /^mlp\s+\S+ [\d.]+%\s+\S+ [\d.]+%\*/m);
  assert.match(text, /--processor inf: no usable inf device here/);
  assert.match(text, /wrote .*p\.yaml \(1 of 1 models\)/);
});
