// Processors in the real server (issue 18), on this machine that has no GPU and no Neuron device:
// the machine's devices are injected (a probe), the workers are real. A server asked for a
// processor it cannot use refuses to start, or, with --allow-cpu-fallback, runs on the CPU and
// says so in describe, /v2 metadata and the metrics.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { ensureFixtureModels } from '../../fixtures/index.js';
import type { MlsError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { defaultOptions, type ServeOptions } from '../../src/serve/config.js';
import { startServer, type ServeHandle } from '../../src/serve/server.js';
import type { ServeProcessor } from '../../src/serve/processor.js';
import { addFolderArchive, tempStore } from './store.js';
import { pythonWith } from './python-env.js';
import { probe, torchSeesCuda } from './device-probe.js';

const python = await pythonWith();
const torchCuda = torchSeesCuda(python);
const NO_PYTHON = python ? false : 'no python3 interpreter found (set MLSERVE_TEST_PYTHON)';

const WHERE = `
import os

def handle(data, context):
    if data is None:
        return None
    return [{"gpu_id": context.system_properties.get("gpu_id"), "cores": os.environ.get("NEURON_RT_VISIBLE_CORES")} for _ in data]
`;

let store: string;

function options(processor: ServeProcessor, models: string[], allowCpuFallback: boolean): ServeOptions {
  const opts = defaultOptions();
  return Object.assign(opts, {
    modelStore: store,
    models,
    inference: { host: '127.0.0.1', port: 0 },
    management: { host: '127.0.0.1', port: 0 },
    metrics: { host: '127.0.0.1', port: 0 },
    python,
    processor,
    allowCpuFallback,
    defaultStartupTimeoutSec: 60,
  });
}

const get = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, text: await r.text() };
};
const json = async (url: string) => JSON.parse((await get(url)).text) as Record<string, unknown> & Array<Record<string, unknown>>;

before(async () => {
  const fx = await ensureFixtureModels();
  store = await tempStore();
  await addFolderArchive(store, { name: 'identity', model: fx.identity, handler: 'base_handler' });
  await addFolderArchive(store, { name: 'where', handler: 'where.py', files: { 'where.py': WHERE } });
});

after(async () => {
  if (store) await rm(store, { recursive: true, force: true });
});

describe('a gpu server without a usable CUDA provider', () => {
  it('refuses to start with an ONNX model (MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE)', async () => {
    await assert.rejects(startServer(options('gpu', ['identity'], false), silentLogger, { probe: probe({ gpus: [0] }) }), (e: MlsError) =>
      e.code === 'MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE' && /libonnxruntime_providers_cuda/.test(e.message));
  });

  it('refuses to start when no GPU is visible, before loading anything', async () => {
    await assert.rejects(startServer(options('gpu', ['identity'], false), silentLogger, { probe: probe({ cuda: true }) }), (e: MlsError) =>
      e.code === 'MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE' && /no NVIDIA GPU/.test(e.message));
  });

  it('refuses a Python handler whose torch sees no CUDA device (checked in the worker at load)', { skip: NO_PYTHON || (torchCuda && 'this Python has torch on CUDA') }, async () => {
    await assert.rejects(startServer(options('gpu', ['where'], false), silentLogger, { probe: probe({ gpus: [0] }) }), (e: MlsError) =>
      e.code === 'MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE' && /torch/.test(e.message));
  });

  describe('with --allow-cpu-fallback', () => {
    let s: ServeHandle;
    before(async () => {
      const models = python ? ['identity', 'where'] : ['identity'];
      s = await startServer(options('gpu', models, true), silentLogger, { probe: probe({ gpus: [0] }) });
    });
    after(() => s?.close());

    it('serves ONNX on the CPU and says so in describe, /v2 metadata and the metrics', async () => {
      const [d] = await json(`${s.management}/models/identity`);
      assert.equal(d!.deviceType, 'cpu');
      assert.equal(d!.deviceIds, undefined, 'absent on the CPU, as TorchServe leaves it null');
      assert.match(String(d!.deviceFallback), /CUDA provider/);
      assert.equal((d!.workers as Array<{ gpu: boolean }>)[0]!.gpu, false);
      const meta = await json(`${s.inference}/v2/models/identity`);
      assert.equal(meta.platform, 'onnxruntime_onnx');
      assert.deepEqual({ ...(meta.parameters as object), cpu_fallback_reason: undefined }, { processor: 'gpu', device_type: 'cpu', device_ids: '', cpu_fallback: true, cpu_fallback_reason: undefined });
      const r = await fetch(`${s.inference}/predictions/identity`, { method: 'POST', body: JSON.stringify([[1, 2, 3, 4]]), headers: { 'content-type': 'application/json' } });
      assert.equal(r.status, 200);
      await r.arrayBuffer();
      const m = (await get(`${s.metrics}/metrics`)).text;
      // mlserve's per-model families carry the device; TorchServe's ts_* keep TorchServe's labels.
      assert.match(m, /mlserve_inference_requests_total\{model_name="identity",model_version="1\.0",device="cpu"\} 1/);
    });

    it('a Python handler on a GPU-less machine falls back at load: no gpu_id, and describe says why', { skip: NO_PYTHON || (torchCuda && 'this Python has torch on CUDA') }, async () => {
      const [d] = await json(`${s.management}/models/where`);
      assert.equal(d!.deviceType, 'cpu');
      assert.match(String(d!.deviceFallback), /torch/);
      const r = await fetch(`${s.inference}/predictions/where`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      assert.deepEqual(await r.json(), { gpu_id: null, cores: null });
      const meta = await json(`${s.inference}/v2/models/where`);
      assert.equal(meta.platform, 'python');
      assert.equal((meta.parameters as { cpu_fallback: boolean }).cpu_fallback, true);
    });
  });
});

describe('an inf server', () => {
  let s: ServeHandle;
  const inf = probe({ neuron: [0, 1], nrt: true });
  after(() => s?.close());

  it('refuses ONNX models with MLS_ERR_SERVE_ONNX_ON_INF, at start and through the API', async () => {
    await assert.rejects(startServer(options('inf', ['identity'], false), silentLogger, { probe: inf }), (e: MlsError) => e.code === 'MLS_ERR_SERVE_ONNX_ON_INF');
    s = await startServer({ ...options('inf', [], false), devices: [1] }, silentLogger, { probe: inf });
    const r = await fetch(`${s.management}/models?url=identity`, { method: 'POST' });
    const body = (await r.json()) as { code: number; message: string };
    assert.equal(r.status, 400);
    assert.match(body.message, /no Neuron execution provider/);
  });

  it('gives Python workers the NeuronCores of its device, and refuses them without torch-neuron(x)', { skip: NO_PYTHON }, async () => {
    const r = await fetch(`${s.management}/models?url=where&initial_workers=1&synchronous=true`, { method: 'POST' });
    const body = (await r.json()) as { message: string };
    assert.equal(r.status, 500);
    assert.match(body.message, /torch_neuronx .*torch_neuron/);
    const fb = await startServer({ ...options('inf', ['where'], true), devices: [1] }, silentLogger, { probe: inf });
    try {
      const p = await fetch(`${fb.inference}/predictions/where`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      assert.deepEqual(await p.json(), { gpu_id: null, cores: '4-7' });
      const [d] = await json(`${fb.management}/models/where`);
      assert.equal(d!.deviceType, 'cpu');
      assert.match(String(d!.deviceFallback), /torch_neuron/);
    } finally {
      await fb.close();
    }
  });
});
