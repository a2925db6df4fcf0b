// trace --processor gpu|inf where a device is present (issue 18): the machine's devices are injected
// (none here). With a device the model is measured on it through the serve worker paths, never on
// the CPU under the device's name: a worker that cannot use the device fails the model with a code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFixtureModels } from '../../fixtures/index.js';
import { writeArchive } from '../../src/archive/writer.js';
import { traceModels } from '../../src/trace/trace-models.js';
import { deviceBusy, traceDevice, withDeviceFigures } from '../../src/trace/device-trace.js';
import { traceSummaryText } from '../../src/trace/summary-text.js';
import { pythonWith } from '../serve/python-env.js';
import { probe, torchSeesCuda } from '../serve/device-probe.js';
import { FAST } from './fast.js';

const python = await pythonWith();
const torchCuda = torchSeesCuda(python);

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlserve-trace-dev-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('the device figures replace the estimates of that processor kind only, with estimated: false', async () => {
  const d = (await traceDevice('gpu', probe({ gpus: [2, 3], cuda: true })))!;
  assert.deepEqual([d.deviceId, d.state.ordinals], [2, [0]]);
  assert.equal(await traceDevice('gpu', probe({})), undefined, 'no GPU: estimate as before');
  assert.equal(await traceDevice('cpu', probe({ gpus: [0] })), undefined);
  const est = { memory: 1, util: 1, estimated: true };
  const out = withDeviceFigures({ c5: { memory: 10, util: 5 }, g4dn: est, inf1: est }, { memory: 10, util: 5 }, d);
  assert.equal(out.g4dn!.estimated, false);
  assert.match(String(out.g4dn!.basis), /measured on gpu 2/);
  assert.deepEqual(out.inf1, est);
  const m = deviceBusy({ loadMs: 1, memory: { baselineRss: 0, runtime: 0, afterLoad: 0, peakLoad: 0, peakInference: 0, peakResettable: false }, latency: [{ batch: 4, iterations: 1, p50Ms: 8, p90Ms: 8, p95Ms: 8, p99Ms: 8, meanMs: 8, busyMsPerRequest: 0.1 }] });
  assert.equal(m.latency[0]!.busyMsPerRequest, 2, 'device busy: wall time per request');
});

test('ONNX with a GPU present but no CUDA provider: measured on the CPU, the gpu families estimated, and said', async () => {
  const f = await ensureFixtureModels();
  const r = await traceModels({ inputs: [f.mlp], processor: 'gpu', batchSize: 1, rps: 10, shapes: {}, out: join(dir, 'a.yaml'), writeArchive: false, measure: FAST, probe: probe({ gpus: [0] }) });
  assert.deepEqual(r.failures, []);
  assert.equal(r.measuredOn, 'gpu 0');
  assert.equal(r.profiles[0]!.resources.g4dn!.estimated, true);
  assert.match(traceSummaryText(r), /measured on gpu 0 where the model runs there/);
});

test('ONNX with the CUDA provider reported: the session is opened on CUDA (here it fails to load, it does not run on the CPU)', async () => {
  const f = await ensureFixtureModels();
  const r = await traceModels({ inputs: [f.mlp], processor: 'gpu', batchSize: 1, rps: 10, shapes: {}, out: join(dir, 'b.yaml'), writeArchive: false, measure: FAST, probe: probe({ gpus: [0], cuda: true }) });
  assert.equal(r.profiles.length, 0);
  assert.equal(r.failures[0]!.code, 'MLS_ERR_TRACE_MODEL_LOAD');
  assert.match(r.failures[0]!.message, /Cuda|CUDA|providers/);
});

test('a Python handler on a GPU its torch cannot use fails with MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE', { skip: !python ? 'no python3' : torchCuda && 'this Python has torch on CUDA' }, async () => {
  await writeFile(join(dir, 'echo.py'), 'def handle(data, context):\n    return [1 for _ in data] if data else None\n');
  const mar = (await writeArchive({ modelName: 'echo', version: '1.0', handler: join(dir, 'echo.py'), exportPath: join(dir, 'store'), archiveFormat: 'default', force: false })).path;
  await writeFile(join(dir, 'body.json'), '[1]');
  const r = await traceModels({ inputs: [mar], processor: 'gpu', batchSize: 1, rps: 10, examplePath: join(dir, 'body.json'), shapes: {}, out: join(dir, 'c.yaml'), writeArchive: false, measure: FAST, python: python!, probe: probe({ gpus: [0] }) });
  assert.equal(r.failures[0]!.code, 'MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE');
  assert.match(r.failures[0]!.message, /torch/);
});
