// Open Inference Protocol v2 in full: every datatype in JSON, outputs selection, the binary tensor
// data extension (Triton's clients), BYTES tensors and the model configuration perf_analyzer reads.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { DataType, GraphBuilder, modelBytes, tensorInfo } from '../../fixtures/onnx-graph.js';
import { silentLogger } from '../../src/log.js';
import { startServer, type ServeHandle } from '../../src/serve/server.js';
import { addModelFolder, testServerOptions } from './density-store.js';
import { tempStore } from './store.js';

/** OIP datatype → ONNX element type, and two sample rows of values. */
const TYPES: Record<string, [DataType, unknown[]]> = {
  BOOL: [DataType.BOOL, [true, false, false, true]],
  UINT8: [DataType.UINT8, [0, 1, 254, 255]],
  UINT16: [DataType.UINT16, [0, 1, 65534, 65535]],
  UINT32: [DataType.UINT32, [0, 1, 4000000000, 7]],
  UINT64: [DataType.UINT64, [0, 1, 2 ** 40, 9]],
  INT8: [DataType.INT8, [-128, -1, 0, 127]],
  INT16: [DataType.INT16, [-32768, -1, 0, 32767]],
  INT32: [DataType.INT32, [-2147483648, -1, 0, 2147483647]],
  INT64: [DataType.INT64, [-(2 ** 40), -1, 0, 2 ** 40]],
  FP16: [DataType.FLOAT16, [1.5, -2, 0.25, 65504]],
  FP32: [DataType.FLOAT, [1.5, -2.25, 1e-3, 3.4e38]],
  FP64: [DataType.DOUBLE, [1.5, -2.25, 1e-300, 1.7e308]],
  BYTES: [DataType.STRING, ['héllo', '', 'a b', '∑']],
};

/** out_T = Identity(in_T) for every datatype, shape [N, 2]. */
function allTypesModel(): Uint8Array {
  const g = new GraphBuilder(0);
  const names = Object.keys(TYPES);
  for (const t of names) g.op('Identity', [`in_${t}`], {}, `out_${t}`);
  return modelBytes(
    g.build(
      'alltypes',
      'Identity for every OIP v2 datatype.',
      names.map((t) => tensorInfo(`in_${t}`, TYPES[t]![0], ['N', 2])),
      names.map((t) => tensorInfo(`out_${t}`, TYPES[t]![0], ['N', 2])),
    ),
  );
}

let server: ServeHandle;
let store: string;

before(async () => {
  store = await tempStore();
  await addModelFolder(store, 'alltypes', 0, { onnx: allTypesModel() });
  server = await startServer(testServerOptions(store, { sharedWorkers: 1 }), silentLogger);
});

after(async () => {
  await server?.close();
  await rm(store, { recursive: true, force: true });
});

function jsonInputs(skip: string[] = []): Array<Record<string, unknown>> {
  return Object.entries(TYPES)
    .filter(([t]) => !skip.includes(t))
    .map(([t, [, data]]) => ({ name: `in_${t}`, datatype: t, shape: [2, 2], data }));
}

async function infer(body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(`${server.inference}/v2/models/alltypes/infer`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

/** Triton's BYTES serialization: [u32 LE length][utf-8 bytes] per element. */
function bytesTensor(values: string[]): Buffer {
  return Buffer.concat(values.flatMap((v) => {
    const b = Buffer.from(v);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    return [len, b];
  }));
}

describe('Open Inference Protocol v2', () => {
  it('round-trips every datatype as JSON, BYTES included', async () => {
    const res = await infer(JSON.stringify({ id: 'r1', inputs: jsonInputs() }));
    const body = (await res.json()) as { id: string; outputs: Array<{ name: string; datatype: string; shape: number[]; data: unknown[] }> };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.id, 'r1');
    assert.equal(body.outputs.length, 13);
    for (const [t, [, data]] of Object.entries(TYPES)) {
      const out = body.outputs.find((o) => o.name === `out_${t}`)!;
      assert.equal(out.datatype, t);
      assert.deepEqual(out.shape, [2, 2]);
      if (t === 'FP32') assert.deepEqual(out.data, (data as number[]).map((v) => Math.fround(v)));
      else assert.deepEqual(out.data, data, t);
    }
  });

  it('returns only the outputs asked for', async () => {
    const res = await infer(JSON.stringify({ inputs: jsonInputs(), outputs: [{ name: 'out_BYTES' }, { name: 'out_INT8' }] }));
    const body = (await res.json()) as { outputs: Array<{ name: string }> };
    assert.deepEqual(body.outputs.map((o) => o.name).sort(), ['out_BYTES', 'out_INT8']);
    const bad = await infer(JSON.stringify({ inputs: jsonInputs(), outputs: [{ name: 'nope' }] }));
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /unknown output "nope"/);
  });

  it('speaks the binary tensor data extension both ways (Inference-Header-Content-Length)', async () => {
    const fp32 = Buffer.from(new Float32Array([1.5, -2.25, 0.5, 8]).buffer);
    const strings = bytesTensor(['héllo', '', 'a b', '∑']);
    const header = Buffer.from(JSON.stringify({
      inputs: [
        ...jsonInputs(['FP32', 'BYTES']),
        { name: 'in_FP32', datatype: 'FP32', shape: [2, 2], parameters: { binary_data_size: fp32.length } },
        { name: 'in_BYTES', datatype: 'BYTES', shape: [2, 2], parameters: { binary_data_size: strings.length } },
      ],
      outputs: [{ name: 'out_FP32', parameters: { binary_data: true } }, { name: 'out_BYTES', parameters: { binary_data: true } }, { name: 'out_INT16' }],
    }));
    const res = await infer(Buffer.concat([header, fp32, strings]), { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) });
    assert.equal(res.status, 200);
    const n = Number(res.headers.get('inference-header-content-length'));
    const raw = Buffer.from(await res.arrayBuffer());
    const json = JSON.parse(raw.subarray(0, n).toString()) as { outputs: Array<{ name: string; data?: unknown[]; parameters?: { binary_data_size: number } }> };
    const [oFp32, oBytes, oInt16] = ['out_FP32', 'out_BYTES', 'out_INT16'].map((name) => json.outputs.find((o) => o.name === name)!);
    assert.equal(oFp32!.parameters!.binary_data_size, 16);
    assert.equal(oFp32!.data, undefined);
    assert.equal(oBytes!.parameters!.binary_data_size, strings.length);
    assert.deepEqual(oInt16!.data, TYPES.INT16![1]);
    // Binary outputs follow the JSON in the order the JSON lists them.
    let off = n;
    const chunks: Record<string, Buffer> = {};
    for (const o of json.outputs) {
      if (!o.parameters) continue;
      chunks[o.name] = raw.subarray(off, off + o.parameters.binary_data_size);
      off += o.parameters.binary_data_size;
    }
    assert.equal(off, raw.length);
    assert.deepEqual([...new Float32Array(new Uint8Array(chunks.out_FP32!).buffer)], [1.5, -2.25, 0.5, 8]);
    assert.deepEqual(chunks.out_BYTES, strings);
  });

  it('answers all outputs in binary with binary_data_output', async () => {
    const res = await infer(JSON.stringify({ inputs: jsonInputs(), parameters: { binary_data_output: true } }));
    assert.equal(res.status, 200);
    const n = Number(res.headers.get('inference-header-content-length'));
    const raw = Buffer.from(await res.arrayBuffer());
    const json = JSON.parse(raw.subarray(0, n).toString()) as { outputs: Array<{ parameters: { binary_data_size: number } }> };
    assert.equal(json.outputs.length, 13);
    assert.equal(raw.length - n, json.outputs.reduce((a, o) => a + o.parameters.binary_data_size, 0));
  });

  it('refuses bad requests with {"error"} and a 400', async () => {
    const wrongType = await infer(JSON.stringify({ inputs: [...jsonInputs(['FP32']), { name: 'in_FP32', datatype: 'FP64', shape: [2, 2], data: [1, 2, 3, 4] }] }));
    assert.equal(wrongType.status, 400);
    assert.match(((await wrongType.json()) as { error: string }).error, /model takes FP32/);
    const short = await infer(Buffer.from('{"inputs": []}'), { 'inference-header-content-length': '999' });
    assert.equal(short.status, 400);
    assert.ok(((await short.json()) as { error?: string }).error);
    const overrun = Buffer.from(JSON.stringify({ inputs: [...jsonInputs(['FP32']), { name: 'in_FP32', datatype: 'FP32', shape: [2, 2], parameters: { binary_data_size: 64 } }] }));
    const r = await infer(Buffer.concat([overrun, Buffer.alloc(8)]), { 'inference-header-content-length': String(overrun.length) });
    assert.equal(r.status, 400);
  });

  it("serves Triton's model configuration and lists the extensions", async () => {
    const cfg = (await (await fetch(`${server.inference}/v2/models/alltypes/config`)).json()) as Record<string, unknown> & { input: Array<{ name: string; data_type: string; dims: number[] }> };
    assert.equal(cfg.name, 'alltypes');
    assert.equal(cfg.max_batch_size, 1);
    assert.deepEqual(cfg.input.find((i) => i.name === 'in_FP32'), { name: 'in_FP32', data_type: 'TYPE_FP32', dims: [2] });
    assert.equal(cfg.input.find((i) => i.name === 'in_BYTES')!.data_type, 'TYPE_STRING');
    const meta = (await (await fetch(`${server.inference}/v2`)).json()) as { extensions: string[] };
    assert.ok(meta.extensions.includes('binary_tensor_data'));
  });
});
