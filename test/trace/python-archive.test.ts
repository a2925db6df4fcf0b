// Tracing an archive whose handler is Python (issue 17): measured through a real Python worker,
// the process `mlserve serve` runs it in, with --example as the request body; the same profile
// fields as for ONNX models (load time, memory, latency at batch 1 and --batch-size, util).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArchive } from '../../src/archive/writer.js';
import { readProfiles } from '../../src/formats/profiles.js';
import { traceModels } from '../../src/trace/trace-models.js';
import { pythonWith } from '../serve/python-env.js';

const python = await pythonWith();
const NO_PYTHON = python ? false : 'no python3 interpreter found (set MLSERVE_TEST_PYTHON)';

// A handler with some work per request (sums a JSON list), no torch needed.
const HANDLER = `
class Summer:
    def initialize(self, context):
        self.scale = 2

    def handle(self, data, context):
        return [sum(row["body"]) * self.scale for row in data]
`;

let dir: string;
let mar: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlserve-trace-py-'));
  await writeFile(join(dir, 'summer.py'), HANDLER);
  mar = (await writeArchive({ modelName: 'summer', version: '1.0', handler: join(dir, 'summer.py'), exportPath: join(dir, 'store'), archiveFormat: 'default', force: false })).path;
  await writeFile(join(dir, 'body.json'), JSON.stringify(Array.from({ length: 100 }, (_, i) => i)));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const measure = { durationMs: 200, warmupIterations: 3, minIterations: 10 };

test('traces a Python-handler archive through a Python worker', { skip: NO_PYTHON }, async () => {
  const out = join(dir, 'profiles.yaml');
  const r = await traceModels({ inputs: [mar], processor: 'cpu', batchSize: 4, rps: 10, examplePath: join(dir, 'body.json'), shapes: {}, out, writeArchive: false, measure, python: python! });
  assert.deepEqual(r.failures, []);
  const p = (await readProfiles(out)).models[0]!;
  assert.equal(p.name, 'summer');
  assert.ok(p.latency!.p50Ms! > 0);
  assert.ok(Object.keys(p.resources).length > 0);
  const m = p.measured as Record<string, unknown> & { batch: { size: number; p50Ms: number }; memory: Record<string, string> };
  assert.equal(m.servedWith, 'python worker');
  assert.equal(m.handler, 'summer.py');
  assert.equal(m.batch.size, 4);
  assert.ok(m.batch.p50Ms > 0);
  assert.ok(Number(m.loadMs) > 0);
  assert.equal(m.optimizedModel, undefined);
  assert.match(m.memory.afterLoad!, /B$/);
});

test('asks for --example when tracing a Python handler without one, and names the handler\'s failure', { skip: NO_PYTHON }, async () => {
  const out = join(dir, 'none.yaml');
  const r = await traceModels({ inputs: [mar], processor: 'cpu', batchSize: 1, rps: 10, shapes: {}, out, writeArchive: false, measure, python: python! });
  assert.equal(r.failures[0]?.code, 'MLS_ERR_TRACE_BAD_EXAMPLE');
  await writeFile(join(dir, 'bad.json'), '"not a list"');
  const bad = await traceModels({ inputs: [mar], processor: 'cpu', batchSize: 1, rps: 10, examplePath: join(dir, 'bad.json'), shapes: {}, out, writeArchive: false, measure, python: python! });
  assert.equal(bad.failures[0]?.code, 'MLS_ERR_TRACE_MEASURE_FAILED');
  assert.match(bad.failures[0]!.message, /answered 503/);
});
