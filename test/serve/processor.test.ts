// Processors (issue 18), as services: the start check with the machine's devices injected, each
// model's device, each worker's GPU and providers, and the flags / environment that ask for them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MlsError } from '../../src/errors.js';
import { memoryLogger, silentLogger } from '../../src/log.js';
import { numberedEntries, parseNvidiaSmi } from '../../src/serve/devices.js';
import { probe } from './device-probe.js';
import { coreRanges, cpuState, deviceFields, deviceLabel, deviceParameters, resolveProcessor, type ProcessorRequest } from '../../src/serve/processor.js';
import { GpuCounter, modelDevice, workerPlacer } from '../../src/serve/model-device.js';
import { resolveServeOptions } from '../../src/serve/run.js';

const req = (r: Partial<ProcessorRequest>): ProcessorRequest => ({ processor: 'gpu', allowCpuFallback: false, ...r });
const code = (c: string) => (e: MlsError) => e.code === c;

describe('resolveProcessor (the start check)', () => {
  it('cpu needs no device and takes no --devices', async () => {
    const s = await resolveProcessor(req({ processor: 'cpu' }), probe({}), silentLogger);
    assert.deepEqual([s.deviceType, s.deviceIds], ['cpu', []]);
    await assert.rejects(resolveProcessor(req({ processor: 'cpu', devices: [0] }), probe({}), silentLogger), code('MLS_ERR_SERVE_CONFIG'));
  });

  it('gpu with no GPU visible is refused with MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE and a hint naming the fallback', async () => {
    await assert.rejects(resolveProcessor(req({}), probe({ cuda: true }), silentLogger), (e: MlsError) =>
      e.code === 'MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE' && /no NVIDIA GPU/.test(e.message) && /--allow-cpu-fallback/.test(e.hint));
  });

  it('--allow-cpu-fallback starts on the CPU and says why in the log', async () => {
    const log = memoryLogger();
    const s = await resolveProcessor(req({ allowCpuFallback: true }), probe({}), log);
    assert.equal(s.deviceType, 'cpu');
    assert.equal(s.requested, 'gpu');
    assert.match(s.fallback ?? '', /no NVIDIA GPU/);
    assert.ok(log.lines.some((l) => l.startsWith('warn') && /running on the CPU \(--allow-cpu-fallback\)/.test(l)));
  });

  it('--devices must be visible; ordinals are places among the visible devices (a container given GPU 3 sees cuda:0)', async () => {
    await assert.rejects(resolveProcessor(req({ devices: [5] }), probe({ gpus: [0, 1] }), silentLogger), (e: MlsError) =>
      e.code === 'MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE' && /5 of --devices is not visible \(visible: 0,1\)/.test(e.message));
    const host = await resolveProcessor(req({ devices: [3] }), probe({ gpus: [0, 1, 2, 3], cuda: true }), silentLogger);
    assert.deepEqual([host.deviceIds, host.ordinals, host.cudaProvider !== undefined], [[3], [3], true]);
    const container = await resolveProcessor(req({ devices: [3] }), probe({ gpus: [3] }), silentLogger);
    assert.deepEqual([container.deviceType, container.deviceIds, container.ordinals, container.cudaProvider], ['gpu', [3], [0], undefined]);
    const all = await resolveProcessor(req({}), probe({ gpus: [0, 1] }), silentLogger);
    assert.deepEqual(all.deviceIds, [0, 1]);
  });

  it('inf needs a Neuron device and the Neuron runtime; its NeuronCores follow the device', async () => {
    await assert.rejects(resolveProcessor(req({ processor: 'inf' }), probe({ neuron: [0] }), silentLogger), (e: MlsError) =>
      e.code === 'MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE' && /libnrt/.test(e.message));
    await assert.rejects(resolveProcessor(req({ processor: 'inf' }), probe({ nrt: true }), silentLogger), code('MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE'));
    const s = await resolveProcessor(req({ processor: 'inf', devices: [1] }), probe({ neuron: [0, 1], nrt: true }), silentLogger);
    assert.deepEqual([s.deviceType, s.deviceIds, s.neuronCores], ['neuron', [1], '4-7']);
    const inf2 = await resolveProcessor(req({ processor: 'inf', neuronCoresPerDevice: 2 }), probe({ neuron: [0, 1], nrt: true }), silentLogger);
    assert.equal(inf2.neuronCores, '0-1,2-3');
    const set = await resolveProcessor(req({ processor: 'inf', visibleCores: '0-1' }), probe({ neuron: [4], nrt: true }), silentLogger);
    assert.equal(set.neuronCores, '0-1');
    assert.equal(coreRanges([2], 1), '2');
  });
});

describe('modelDevice and workerPlacer (each model, each worker)', () => {
  const gpu2 = { ...cpuState(), requested: 'gpu' as const, deviceType: 'gpu' as const, deviceIds: [0, 1], ordinals: [0, 1], cudaProvider: '/x.so' };

  it('ONNX on a gpu server runs on CUDA when the provider is installed, and is refused (or falls back) when it is not', () => {
    assert.deepEqual(modelDevice(gpu2, 'node', 'm', silentLogger), { type: 'gpu', ids: [0, 1] });
    const noCuda = { ...gpu2, cudaProvider: undefined };
    assert.throws(() => modelDevice(noCuda, 'node', 'm', silentLogger), (e: MlsError) =>
      e.code === 'MLS_ERR_SERVE_PROCESSOR_UNAVAILABLE' && /libonnxruntime_providers_cuda/.test(e.message) && /cuda12/.test(e.hint));
    const d = modelDevice({ ...noCuda, allowCpuFallback: true }, 'node', 'm', silentLogger);
    assert.equal(d.type, 'cpu');
    assert.match(d.fallback ?? '', /CUDA provider/);
    // Python handlers do not need onnxruntime's provider: their worker checks torch.cuda at load.
    assert.deepEqual(modelDevice(noCuda, 'python', 'm', silentLogger), { type: 'gpu', ids: [0, 1] });
  });

  it('ONNX on an inf server is refused with MLS_ERR_SERVE_ONNX_ON_INF; Python handlers run on Neuron', () => {
    const inf = { ...cpuState(), requested: 'inf' as const, deviceType: 'neuron' as const, deviceIds: [0], ordinals: [0], neuronCores: '0-3' };
    assert.throws(() => modelDevice(inf, 'node', 'bert', silentLogger), (e: MlsError) => e.code === 'MLS_ERR_SERVE_ONNX_ON_INF' && /torch-neuronx/.test(e.hint));
    assert.deepEqual(modelDevice(inf, 'python', 'bert', silentLogger), { type: 'neuron', ids: [0] });
  });

  it('a server that fell back puts every model on the CPU with the reason', () => {
    const fell = { ...cpuState(), requested: 'gpu' as const, allowCpuFallback: true, fallback: 'no NVIDIA GPU is visible' };
    const d = modelDevice(fell, 'python', 'm', silentLogger);
    assert.deepEqual(d, { type: 'cpu', ids: [], fallback: 'no NVIDIA GPU is visible' });
    assert.deepEqual(deviceFields(d), { deviceType: 'cpu', deviceFallback: 'no NVIDIA GPU is visible' });
    assert.deepEqual(deviceParameters(d, 'gpu'), { processor: 'gpu', device_type: 'cpu', device_ids: '', cpu_fallback: true, cpu_fallback_reason: 'no NVIDIA GPU is visible' });
    assert.equal(deviceLabel(d), 'cpu');
    assert.equal(deviceLabel({ type: 'gpu', ids: [0, 1] }), 'gpu0,1');
  });

  it('workers take GPUs round robin from one server-wide counter, as TorchServe (first worker of two GPUs: GPU 1)', () => {
    const counter = new GpuCounter(2);
    const a = workerPlacer(gpu2, { type: 'gpu', ids: [0, 1] }, {}, counter, 'a');
    const b = workerPlacer(gpu2, { type: 'gpu', ids: [0, 1] }, {}, counter, 'b');
    assert.deepEqual([a().gpuId, a().gpuId, b().gpuId, a().gpuId], [1, 0, 1, 0]);
    assert.deepEqual(a().executionProviders, [{ name: 'cuda', deviceId: 1 }]);
  });

  it('model-config.yaml deviceIds keep a model on its own GPUs; tensorrt: true puts TensorRT before CUDA', () => {
    const place = workerPlacer(gpu2, { type: 'gpu', ids: [0, 1] }, { deviceIds: [1], tensorrt: true }, new GpuCounter(2), 'm');
    assert.deepEqual(place(), { gpuId: 1, executionProviders: [{ name: 'tensorrt', deviceId: 1 }, { name: 'cuda', deviceId: 1 }] });
    assert.equal(place().gpuId, 1);
    assert.throws(() => workerPlacer(gpu2, { type: 'gpu', ids: [0, 1] }, { deviceIds: [7] }, new GpuCounter(2), 'm'), code('MLS_ERR_SERVE_CONFIG'));
    // In a container given host GPU 3 (cuda:0), a worker on device 3 is told gpu_id 0.
    const container = { ...gpu2, deviceIds: [3], ordinals: [0] };
    assert.equal(workerPlacer(container, { type: 'gpu', ids: [3] }, {}, new GpuCounter(1), 'm')().gpuId, 0);
    assert.deepEqual(workerPlacer(gpu2, { type: 'cpu', ids: [] }, {}, new GpuCounter(2), 'm')(), {});
  });
});

describe('processor flags and environment', () => {
  const withEnv = async <T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> => {
    const old = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      return await f();
    } finally {
      for (const [k, v] of Object.entries(old)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };

  it('MLSERVE_PROCESSOR / MLSERVE_DEVICES (the images set them) below --processor / --devices', async () => {
    const fromEnv = await withEnv({ MLSERVE_PROCESSOR: 'gpu', MLSERVE_DEVICES: '0,1' }, () => resolveServeOptions({}, silentLogger));
    assert.deepEqual([fromEnv.processor, fromEnv.devices, fromEnv.allowCpuFallback], ['gpu', [0, 1], false]);
    const flags = await withEnv({ MLSERVE_PROCESSOR: 'gpu' }, () => resolveServeOptions({ processor: 'inf', devices: ['2'], allowCpuFallback: true }, silentLogger));
    assert.deepEqual([flags.processor, flags.devices, flags.allowCpuFallback], ['inf', [2], true]);
  });

  it('refuses unknown processors and malformed device lists with MLS_ERR_SERVE_CONFIG', async () => {
    await assert.rejects(withEnv({ MLSERVE_PROCESSOR: 'tpu' }, () => resolveServeOptions({}, silentLogger)), code('MLS_ERR_SERVE_CONFIG'));
    await assert.rejects(resolveServeOptions({ devices: ['0', 'x'] }, silentLogger), code('MLS_ERR_SERVE_CONFIG'));
    await assert.rejects(resolveServeOptions({ devices: ['1', '1'] }, silentLogger), code('MLS_ERR_SERVE_CONFIG'));
  });

  it('reads device nodes and nvidia-smi -L', () => {
    assert.deepEqual(numberedEntries(['nvidia1', 'nvidiactl', 'nvidia0', 'nvidia-uvm', 'neuron2', 'null'], 'nvidia'), [0, 1]);
    assert.deepEqual(numberedEntries(['neuron10', 'neuron2'], 'neuron'), [2, 10]);
    assert.deepEqual(parseNvidiaSmi('GPU 0: NVIDIA H200 (UUID: GPU-1)\nGPU 1: NVIDIA H200 (UUID: GPU-2)\n'), [0, 1]);
  });
});
