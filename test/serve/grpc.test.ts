// gRPC with a real grpc-js client: KServe's GRPCInferenceService (raw and typed tensors, outputs
// selection, metadata, Triton's ModelConfig), TorchServe's inference and management services, bad
// messages, size limits, deadlines and a killed worker. Same registry and queues as HTTP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { status as Code, Client } from '@grpc/grpc-js';
import { DataType, GraphBuilder, modelBytes, tensorInfo } from '../../fixtures/onnx-graph.js';
import { ensureFixtureModels } from '../../fixtures/index.js';
import { silentLogger } from '../../src/log.js';
import { startServer, type ServeHandle } from '../../src/serve/server.js';
import { addModelFolder, testServerOptions } from './density-store.js';
import { addFolderArchive, tempStore } from './store.js';
import { STAGED } from './handlers.js';
import { grpcCode } from '../../src/serve/grpc/status.js';
import { grpcClients, grpcFailure, type GrpcClients } from './grpc-client.js';

const PORT0 = { host: '127.0.0.1', port: 0 };

/** out_T = Identity(in_T), shape [N, 2], for datatypes with typed contents (FP16 has none: a model of its own). */
const TYPES: Record<string, DataType> = { BOOL: DataType.BOOL, UINT8: DataType.UINT8, INT32: DataType.INT32, INT64: DataType.INT64, UINT64: DataType.UINT64, FP32: DataType.FLOAT, FP64: DataType.DOUBLE, BYTES: DataType.STRING };

function identities(types: Record<string, DataType>): Uint8Array {
  const g = new GraphBuilder(0);
  const names = Object.keys(types);
  for (const t of names) g.op('Identity', [`in_${t}`], {}, `out_${t}`);
  return modelBytes(g.build('types', 'Identity per datatype.', names.map((t) => tensorInfo(`in_${t}`, types[t]!, ['N', 2])), names.map((t) => tensorInfo(`out_${t}`, types[t]!, ['N', 2]))));
}

let server: ServeHandle;
let store: string;
let c: GrpcClients;
const KEYS = join(process.env.TMPDIR ?? '/tmp', `mlserve-grpc-keys-${process.pid}.json`);

before(async () => {
  store = await tempStore();
  const fx = await ensureFixtureModels();
  await addModelFolder(store, 'types', 0, { onnx: identities(TYPES) });
  await addModelFolder(store, 'half', 0, { onnx: identities({ FP16: DataType.FLOAT16 }) });
  await addFolderArchive(store, { name: 'identity', model: fx.identity, handler: 'base_handler' });
  await addFolderArchive(store, { name: 'identity', version: '2.0', dirName: 'identity-v2', model: fx.identity, handler: 'base_handler' });
  await addFolderArchive(store, { name: 'spare', model: fx.identity, handler: 'base_handler' });
  await addFolderArchive(store, { name: 'staged', model: fx.identity, handler: 'staged.mjs', files: { 'staged.mjs': STAGED } });
  // Batches wait 1.5 s for a second request: a request's deadline passes while it is queued.
  await addFolderArchive(store, { name: 'slow', model: fx.identity, handler: 'base_handler', config: 'batchSize: 8\nmaxBatchDelay: 1500\n' });
  server = await startServer(
    testServerOptions(store, { models: ['types', 'half', 'identity', 'identity-v2', 'staged', 'slow'], grpcInference: PORT0, grpcManagement: PORT0, tokenAuth: true, keyFile: KEYS, maxRequestSize: 256 * 1024 }),
    silentLogger,
  );
  c = grpcClients(server.grpcInference!, server.grpcManagement!);
});

after(async () => {
  c?.close();
  await server?.close();
  await rm(store, { recursive: true, force: true });
  await rm(KEYS, { force: true });
});

const f32 = (values: number[]) => Buffer.from(Float32Array.from(values).buffer);

describe('KServe GRPCInferenceService', () => {
  it('answers health, server and model metadata, and Triton\'s model configuration', async () => {
    assert.deepEqual(await c.kserve('ServerLive', {}), { live: true });
    assert.deepEqual(await c.kserve('ServerReady', {}), { ready: true });
    const meta = await c.kserve<{ name: string; extensions: string[] }>('ServerMetadata', {});
    assert.equal(meta.name, 'mlserve');
    assert.ok(meta.extensions.includes('binary_tensor_data'));
    assert.deepEqual(await c.kserve('ModelReady', { name: 'identity' }), { ready: true });
    assert.equal((await grpcFailure(c.kserve('ModelReady', { name: 'nope' }))).code, Code.NOT_FOUND);
    const md = await c.kserve<{ versions: string[]; inputs: Array<{ name: string; datatype: string; shape: string[] }> }>('ModelMetadata', { name: 'identity' });
    assert.deepEqual(md.versions.sort(), ['1.0', '2.0']);
    assert.deepEqual(md.inputs, [{ name: 'input', datatype: 'FP32', shape: ['-1', '4'] }]);
    const cfg = await c.kserve<{ config: { max_batch_size: number; input: Array<{ data_type: string; dims: string[] }>; instance_group: Array<{ kind: string }> } }>('ModelConfig', { name: 'identity' });
    assert.equal(cfg.config.max_batch_size, 1);
    assert.deepEqual(cfg.config.input.map((i) => [i.data_type, i.dims]), [['TYPE_FP32', ['4']]]);
    assert.equal(cfg.config.instance_group[0]!.kind, 'KIND_CPU');
  });

  it('infers with raw_input_contents and answers raw_output_contents, id echoed', async () => {
    const values = [1, 2, 3, 4, -1.5, 0.25, 8, 9];
    const r = await c.kserve<{ id: string; model_version: string; outputs: Array<{ name: string; datatype: string; shape: string[] }>; raw_output_contents: Buffer[] }>('ModelInfer', {
      model_name: 'identity',
      model_version: '1.0',
      id: 'req-7',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 4] }],
      raw_input_contents: [f32(values)],
    });
    assert.equal(r.id, 'req-7');
    assert.equal(r.model_version, '1.0');
    assert.deepEqual(r.outputs, [{ name: 'output', datatype: 'FP32', shape: ['2', '4'], parameters: {}, contents: null }]);
    assert.deepEqual(Array.from(new Float32Array(Uint8Array.from(r.raw_output_contents[0]!).buffer)), values);
  });

  it('takes typed contents for every datatype that has them, answers typed contents, and returns only the outputs asked for', async () => {
    const inputs = [
      { name: 'in_BOOL', datatype: 'BOOL', shape: [2, 2], contents: { bool_contents: [true, false, false, true] } },
      { name: 'in_UINT8', datatype: 'UINT8', shape: [2, 2], contents: { uint_contents: [0, 1, 254, 255] } },
      { name: 'in_INT32', datatype: 'INT32', shape: [2, 2], contents: { int_contents: [-2147483648, -1, 0, 2147483647] } },
      { name: 'in_INT64', datatype: 'INT64', shape: [2, 2], contents: { int64_contents: ['-9223372036854775808', '-1', '0', '9007199254740993'] } },
      { name: 'in_UINT64', datatype: 'UINT64', shape: [2, 2], contents: { uint64_contents: ['0', '1', '18446744073709551615', '7'] } },
      { name: 'in_FP32', datatype: 'FP32', shape: [2, 2], contents: { fp32_contents: [1.5, -2.25, 0, 3] } },
      { name: 'in_FP64', datatype: 'FP64', shape: [2, 2], contents: { fp64_contents: [1.5, -2.25, 1e-300, 1.7e308] } },
      { name: 'in_BYTES', datatype: 'BYTES', shape: [2, 2], contents: { bytes_contents: [Buffer.from('héllo'), Buffer.alloc(0), Buffer.from('a b'), Buffer.from('∑')] } },
    ];
    const ask = ['out_INT64', 'out_UINT64', 'out_BYTES', 'out_BOOL', 'out_FP64'];
    const r = await c.kserve<{ outputs: Array<{ name: string; datatype: string; contents: Record<string, unknown[]> }>; raw_output_contents: Buffer[] }>('ModelInfer', {
      model_name: 'types',
      inputs,
      outputs: ask.map((name) => ({ name })),
    });
    assert.deepEqual(r.outputs.map((o) => o.name), ask);
    assert.equal(r.raw_output_contents.length, 0);
    const got = Object.fromEntries(r.outputs.map((o) => [o.name, o.contents]));
    assert.deepEqual(got.out_INT64!.int64_contents, ['-9223372036854775808', '-1', '0', '9007199254740993']);
    assert.deepEqual(got.out_UINT64!.uint64_contents, ['0', '1', '18446744073709551615', '7']);
    assert.deepEqual((got.out_BYTES!.bytes_contents as Buffer[]).map((b) => b.toString()), ['héllo', '', 'a b', '∑']);
    assert.deepEqual(got.out_BOOL!.bool_contents, [true, false, false, true]);
    assert.deepEqual(got.out_FP64!.fp64_contents, [1.5, -2.25, 1e-300, 1.7e308]);
    const all = await c.kserve<{ outputs: Array<{ name: string; contents: Record<string, unknown[]> }> }>('ModelInfer', { model_name: 'types', inputs });
    assert.equal(all.outputs.length, Object.keys(TYPES).length, 'no outputs asked for: all of them');
    const byName = Object.fromEntries(all.outputs.map((o) => [o.name, o.contents]));
    assert.deepEqual(byName.out_UINT8!.uint_contents, [0, 1, 254, 255]);
    assert.deepEqual(byName.out_INT32!.int_contents, [-2147483648, -1, 0, 2147483647]);
    assert.deepEqual(byName.out_FP32!.fp32_contents, [1.5, -2.25, 0, 3]);
  });

  it('carries FP16 raw only, as the protocol says', async () => {
    const bits = Buffer.from(Uint16Array.from([0x3e00, 0xc000, 0x3400, 0x7bff]).buffer);
    const input = { name: 'in_FP16', datatype: 'FP16', shape: [2, 2] };
    const r = await c.kserve<{ raw_output_contents: Buffer[] }>('ModelInfer', { model_name: 'half', inputs: [input], raw_input_contents: [bits] });
    assert.deepEqual(r.raw_output_contents[0], bits);
    const e = await grpcFailure(c.kserve('ModelInfer', { model_name: 'half', inputs: [{ ...input, contents: { fp32_contents: [1, 2, 3, 4] } }] }));
    assert.equal(e.code, Code.INVALID_ARGUMENT);
  });

  it('answers bad requests with INVALID_ARGUMENT and unknown models with NOT_FOUND, and keeps serving', async () => {
    const input = { name: 'input', datatype: 'FP32', shape: [1, 4] };
    const cases: Array<[string, unknown, number]> = [
      ['no model name', { inputs: [input], raw_input_contents: [f32([1, 2, 3, 4])] }, Code.INVALID_ARGUMENT],
      ['unknown model', { model_name: 'nope', inputs: [input], raw_input_contents: [f32([1, 2, 3, 4])] }, Code.NOT_FOUND],
      ['unknown version', { model_name: 'identity', model_version: '9', inputs: [input], raw_input_contents: [f32([1, 2, 3, 4])] }, Code.NOT_FOUND],
      ['raw count differs from inputs', { model_name: 'identity', inputs: [input, input], raw_input_contents: [f32([1, 2, 3, 4])] }, Code.INVALID_ARGUMENT],
      ['bytes do not fill the shape', { model_name: 'identity', inputs: [input], raw_input_contents: [f32([1, 2, 3])] }, Code.INVALID_ARGUMENT],
      ['unknown datatype', { model_name: 'identity', inputs: [{ ...input, datatype: 'FP8' }], raw_input_contents: [f32([1, 2, 3, 4])] }, Code.INVALID_ARGUMENT],
      ['unknown input', { model_name: 'identity', inputs: [{ ...input, name: 'x' }], raw_input_contents: [f32([1, 2, 3, 4])] }, Code.INVALID_ARGUMENT],
      ['unknown output', { model_name: 'identity', inputs: [input], outputs: [{ name: 'nope' }], raw_input_contents: [f32([1, 2, 3, 4])] }, Code.INVALID_ARGUMENT],
    ];
    for (const [what, req, code] of cases) assert.equal((await grpcFailure(c.kserve('ModelInfer', req))).code, code, what);
    const ok = await c.kserve<{ raw_output_contents: Buffer[] }>('ModelInfer', { model_name: 'identity', inputs: [input], raw_input_contents: [f32([1, 2, 3, 4])] });
    assert.equal(ok.raw_output_contents[0]!.length, 16);
  });

  it('answers bytes that are not a message with INVALID_ARGUMENT', async () => {
    // A client that sends garbage for ModelInferRequest: serialize bypassed with raw bytes.
    const client = new Client(server.grpcInference!, (await import('@grpc/grpc-js')).credentials.createInsecure());
    const e = await new Promise<{ code: number }>((resolve) =>
      client.makeUnaryRequest('/inference.GRPCInferenceService/ModelInfer', (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), (err) => resolve(err as { code: number })),
    );
    client.close();
    assert.equal(e.code, Code.INVALID_ARGUMENT);
    assert.deepEqual(await c.kserve('ServerLive', {}), { live: true });
  });

  it('refuses a message over max_request_size with RESOURCE_EXHAUSTED', async () => {
    const big = Buffer.alloc(300 * 1024);
    const e = await grpcFailure(c.kserve('ModelInfer', { model_name: 'identity', inputs: [{ name: 'input', datatype: 'FP32', shape: [big.length / 16, 4] }], raw_input_contents: [big] }));
    assert.equal(e.code, Code.RESOURCE_EXHAUSTED);
    assert.deepEqual(await c.kserve('ServerLive', {}), { live: true });
  });

  it('loads and unloads models of the store (RepositoryModelLoad/Unload)', async () => {
    assert.deepEqual(await c.kserve('RepositoryModelLoad', { model_name: 'spare' }), { model_name: 'spare', isLoaded: true });
    assert.deepEqual(await c.kserve('ModelReady', { name: 'spare' }), { ready: true });
    assert.deepEqual(await c.kserve('RepositoryModelUnload', { model_name: 'spare' }), { model_name: 'spare', isUnloaded: true });
    assert.equal(server.registry.find('spare'), undefined);
    assert.equal((await grpcFailure(c.kserve('RepositoryModelLoad', { model_name: 'absent' }))).code, Code.NOT_FOUND);
  });

  it('honours deadlines: a request whose deadline passes in the queue ends DEADLINE_EXCEEDED and is never run', async () => {
    const entry = server.registry.get('slow');
    const e = await grpcFailure(c.kserve('ModelInfer', { model_name: 'slow', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4] }], raw_input_contents: [f32([1, 2, 3, 4])] }, { deadlineMs: 200 }));
    assert.equal(e.code, Code.DEADLINE_EXCEEDED);
    // When the batch delay ends, the queue drops it instead of handing it to the worker.
    for (let i = 0; i < 100 && !entry.queue.stats.byStatus.get(504); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(entry.queue.stats.byStatus.get(504), 1);
    assert.equal(entry.queue.stats.batches, 0);
  });
});

describe('TorchServe InferenceAPIsService', () => {
  it('answers Ping with the /ping JSON', async () => {
    const r = await c.torchserve<{ health: string }>('Ping', {});
    assert.deepEqual(JSON.parse(r.health), { status: 'Healthy' });
  });

  it('predicts through the same handler as /predictions, default and named versions', async () => {
    const r = await c.torchserve<{ prediction: Buffer }>('Predictions', { model_name: 'identity', input: { data: Buffer.from('[[1,2,3,4]]') } });
    assert.deepEqual(JSON.parse(r.prediction.toString()), { output: [[1, 2, 3, 4]] });
    const http = await fetch(`${server.inference}/predictions/identity/2.0`, { method: 'POST', body: '[[1,2,3,4]]' });
    const v2 = await c.torchserve<{ prediction: Buffer }>('Predictions', { model_name: 'identity', model_version: '2.0', input: { data: Buffer.from('[[1,2,3,4]]') } });
    assert.deepEqual(JSON.parse(v2.prediction.toString()), await http.json());
  });

  it('streams one message for a handler that answers once; StreamPredictions2 is refused', async () => {
    const stream = (c.raw.torchserve as unknown as { StreamPredictions(r: unknown): NodeJS.ReadableStream }).StreamPredictions({ model_name: 'identity', input: { body: Buffer.from('[[5,6,7,8]]') } });
    const got: Array<{ prediction: Buffer }> = [];
    for await (const m of stream) got.push(m as unknown as { prediction: Buffer });
    assert.equal(got.length, 1);
    assert.deepEqual(JSON.parse(got[0]!.prediction.toString()), { output: [[5, 6, 7, 8]] });
    const bidi = (c.raw.torchserve as unknown as { StreamPredictions2(): NodeJS.ReadWriteStream & { end(): void } }).StreamPredictions2();
    const err = await new Promise<{ code: number }>((resolve) => {
      bidi.on('error', (e) => resolve(e as unknown as { code: number }));
      bidi.on('data', () => {});
      bidi.write({ model_name: 'identity', sequenceId: 's1', input: {} } as never);
    });
    assert.equal(err.code, Code.UNIMPLEMENTED);
  });

  it('maps errors as TorchServe does: INTERNAL for a missing or unknown model, the handler\'s status otherwise', async () => {
    assert.equal((await grpcFailure(c.torchserve('Predictions', { input: { data: Buffer.from('[]') } }))).code, Code.INTERNAL);
    assert.equal((await grpcFailure(c.torchserve('Predictions', { model_name: 'nope', input: {} }))).code, Code.INTERNAL);
    assert.equal((await grpcFailure(c.torchserve('Predictions', { model_name: 'identity', input: { data: Buffer.from('not json') } }))).code, Code.INVALID_ARGUMENT);
    const http = await fetch(`${server.inference}/predictions/staged`, { method: 'POST', body: 'boom' });
    assert.equal((await grpcFailure(c.torchserve('Predictions', { model_name: 'staged', input: { data: Buffer.from('boom') } }))).code, grpcCode(http.status), `HTTP ${http.status}`);
  });

  it('answers UNAVAILABLE for a request on a worker that is killed, and serves again once it is replaced', async () => {
    const entry = server.registry.get('staged');
    const pending = grpcFailure(c.torchserve('Predictions', { model_name: 'staged', input: { data: Buffer.from('hang') } }));
    let pid: number | undefined;
    for (let i = 0; i < 200 && !pid; i++) {
      await new Promise((r) => setTimeout(r, 25));
      if (entry.queue.stats.batches > 0) pid = entry.pool.workers[0]?.pid;
    }
    assert.ok(pid, 'the request reached the worker');
    process.kill(pid, 'SIGKILL');
    assert.equal((await pending).code, Code.UNAVAILABLE);
    let answer: { prediction: Buffer } | undefined;
    for (let i = 0; i < 100 && !answer; i++) {
      answer = await c.torchserve<{ prediction: Buffer }>('Predictions', { model_name: 'staged', input: { data: Buffer.from('[1,1,1,1]') } }).catch(async () => {
        await new Promise((r) => setTimeout(r, 100));
        return undefined;
      });
    }
    assert.deepEqual(JSON.parse(answer!.prediction.toString()), { sum: 4 });
  });
});

describe('TorchServe ManagementAPIsService', () => {
  let key: string;
  before(async () => {
    key = (JSON.parse(await readFile(KEYS, 'utf8')) as { management: { key: string } }).management.key;
  });

  it('requires the management key with --token-auth (CANCELLED without it, as TorchServe)', async () => {
    assert.equal((await grpcFailure(c.management('ListModels', {}))).code, Code.CANCELLED);
    assert.equal((await grpcFailure(c.management('ListModels', {}, { key: 'wrong' }))).code, Code.CANCELLED);
  });

  it('lists and describes like the HTTP API, JSON in msg', async () => {
    const list = JSON.parse((await c.management<{ msg: string }>('ListModels', {}, { key })).msg) as { models: Array<{ modelName: string }> };
    assert.ok(list.models.some((m) => m.modelName === 'identity'));
    const page = JSON.parse((await c.management<{ msg: string }>('ListModels', { limit: 1 }, { key })).msg) as { models: unknown[]; nextPageToken: string };
    assert.equal(page.models.length, 1);
    assert.equal(page.nextPageToken, '1');
    const d = JSON.parse((await c.management<{ msg: string }>('DescribeModel', { model_name: 'identity', model_version: 'all' }, { key })).msg) as Array<{ modelVersion: string }>;
    assert.deepEqual(d.map((x) => x.modelVersion).sort(), ['1.0', '2.0']);
    assert.equal((await grpcFailure(c.management('DescribeModel', { model_name: 'nope' }, { key }))).code, Code.NOT_FOUND);
    assert.equal((await grpcFailure(c.management('DescribeModel', {}, { key }))).code, Code.INVALID_ARGUMENT);
  });

  it('registers, scales, sets the default and unregisters on the registry HTTP uses', async () => {
    const reg = await c.management<{ msg: string }>('RegisterModel', { url: 'spare', model_name: 'spare', initial_workers: 1, synchronous: true }, { key });
    assert.match(reg.msg, /registered with 1 initial workers/);
    assert.equal((await fetch(`${server.management}/models/spare`)).status, 400, 'HTTP management needs the key too');
    const scaled = await c.management<{ msg: string }>('ScaleWorker', { model_name: 'spare', min_worker: 2, synchronous: true }, { key });
    assert.match(scaled.msg, /Workers scaled to 2/);
    assert.equal(server.registry.get('spare').pool.liveCount(), 2);
    assert.equal((await grpcFailure(c.management('RegisterModel', { url: 'spare', model_name: 'spare' }, { key }))).code, Code.ABORTED, 'a duplicate is 409');
    assert.equal((await grpcFailure(c.management('RegisterModel', { model_name: 'x' }, { key }))).code, Code.INVALID_ARGUMENT, 'url is required');
    const def = await c.management<{ msg: string }>('SetDefault', { model_name: 'identity', model_version: '2.0' }, { key });
    assert.match(def.msg, /Default version successfully updated/);
    assert.equal(server.registry.get('identity').version, '2.0');
    assert.equal((await grpcFailure(c.management('SetDefault', { model_name: 'identity', model_version: '7.0' }, { key }))).code, Code.NOT_FOUND);
    await c.management('SetDefault', { model_name: 'identity', model_version: '1.0' }, { key });
    const gone = await c.management<{ msg: string }>('UnregisterModel', { model_name: 'spare' }, { key });
    assert.equal(gone.msg, 'Model "spare" unregistered');
    assert.equal(server.registry.find('spare'), undefined);
    assert.equal((await grpcFailure(c.management('UnregisterModel', { model_name: 'spare' }, { key }))).code, Code.NOT_FOUND);
  });
});
