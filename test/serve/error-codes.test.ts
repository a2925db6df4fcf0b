// The server's refusals, provoked through the code that finds them (no server, no worker): each
// throws its catalog code, and the code's status and TorchServe type are what the HTTP layer sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MlsError, type ErrorCode } from '../../src/errors.js';
import { torchServeBody } from '../../src/errors/render.js';
import { readBody } from '../../src/serve/http/errors.js';
import { readMultipart } from '../../src/serve/http/multipart.js';
import { binaryInstances } from '../../src/serve/http/kserve-envelope.js';
import { checkWorkers, mergeJsonBody, runtimeParam } from '../../src/serve/http/management-params.js';
import { inferenceTarget, submitParts } from '../../src/serve/http/predict.js';
import { readProtocol } from '../../src/serve/handlers/protocols.js';
import { inferParts, type ModelInferRequest } from '../../src/serve/grpc/model-infer.js';
import type { HandlerContext } from '../../src/serve/handlers/types.js';
import type { ModelEntry, Registry } from '../../src/serve/frontend/registry.js';
import { ModelQueue } from '../../src/serve/frontend/model-queue.js';
import { systemClock } from '../../src/serve/clock.js';
import { inferenceListener } from '../../src/serve/http/inference-api.js';
import { registerModel } from '../../src/serve/http/management-ops.js';
import { requireKey } from '../../src/serve/token-auth.js';
import type { Reply } from '../../src/serve/http/http1-server.js';
import type { ItemResult } from '../../src/serve/ipc/messages.js';
import { refusal } from '../helpers/refusal.js';

const ctx = { inputs: [{ name: 'x', type: 'float32', shape: [-1, 2] }], outputs: [{ name: 'y', type: 'float32', shape: [-1, 2] }] } as unknown as HandlerContext;

/** A registry holding model "m" version 1.0, with no worker and a queue that refuses every job. */
function fakeRegistry(): Registry {
  const entry = {
    name: 'm',
    version: '1.0',
    pool: { minWorkers: 0, liveCount: () => 0 },
    queue: { stats: { ts: [{ requests: 0 }, { requests: 0 }] }, settings: { capacity: 2 }, submit: () => false },
  } as unknown as ModelEntry;
  return { find: (name: string, version?: string) => (name === 'm' && (version === undefined || version === '1.0') ? entry : undefined) } as unknown as Registry;
}

const CASES: Array<[ErrorCode, number, string, () => unknown]> = [
  ['MLS_ERR_SERVE_REQUEST_TOO_LARGE', 413, 'RequestEntityTooLargeException', () => {
    const req = Object.assign(new PassThrough(), { headers: { 'content-length': '10' } }) as unknown as IncomingMessage;
    return readBody(req, 4);
  }],
  ['MLS_ERR_SERVE_BAD_REQUEST', 400, 'BadRequestException', () => readMultipart({ 'content-type': 'multipart/form-data; boundary=b' }, Buffer.from('--b--\r\n'), 1 << 20)],
  ['MLS_ERR_SERVE_BAD_REQUEST', 400, 'BadRequestException', () => binaryInstances(Buffer.from('{"instances": [{"b64": "not base64!"}]}'), 'base_handler')],
  ['MLS_ERR_SERVE_BAD_REQUEST', 400, 'BadRequestException', () => runtimeParam(new URLSearchParams('runtime=java'))],
  ['MLS_ERR_SERVE_BAD_REQUEST', 400, 'BadRequestException', () => checkWorkers(1000, 'max_worker')],
  ['MLS_ERR_SERVE_BAD_REQUEST', 400, 'BadRequestException', () => mergeJsonBody(new URLSearchParams(), { batch_size: 1.5 })],
  ['MLS_ERR_SERVE_BAD_INPUT', 400, 'BadRequestException', () => readProtocol({ inputs: [{ name: 'z', shape: [1], datatype: 'FP32', data: [1] }] }, ctx)],
  ['MLS_ERR_SERVE_BAD_INPUT', 400, 'BadRequestException', () => inferParts({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1], parameters: {}, contents: null }], raw_input_contents: [Buffer.alloc(4), Buffer.alloc(4)] } as unknown as ModelInferRequest)],
  ['MLS_ERR_SERVE_NO_SUCH_MODEL', 404, 'ModelNotFoundException', () => inferenceTarget(fakeRegistry(), 'nope', undefined)],
  ['MLS_ERR_SERVE_NO_SUCH_VERSION', 404, 'ModelVersionNotFoundException', () => inferenceTarget(fakeRegistry(), 'm', '9.9')],
  ['MLS_ERR_SERVE_NO_WORKER', 503, 'ServiceUnavailableException', () => inferenceTarget(fakeRegistry(), 'm', undefined)],
  ['MLS_ERR_SERVE_NO_WORKER', 503, 'ServiceUnavailableException', () => submitParts(fakeRegistry().find('m')!, [], 0, () => {})],
];

for (const [code, status, type, provoke] of CASES) {
  test(`${code}: ${status} ${type}`, async () => {
    const e = await refusal(provoke);
    assert.equal(e.code, code);
    assert.deepEqual(JSON.parse(torchServeBody(e).toString()), { code: status, type, message: e.message });
  });
}

test('a full queue names its capacity; an unknown version names the model', async () => {
  const full = await refusal(() => submitParts(fakeRegistry().find('m')!, [], 0, () => {}));
  assert.equal(full.message, 'Model "m" Version 1.0 has no worker to serve inference request. Please use scale workers API to add workers. The job queue is full (job_queue_size=2).');
  const version = await refusal(() => inferenceTarget(fakeRegistry(), 'm', '9.9'));
  assert.equal(version.message, 'Model version: 9.9 does not exist for model: m');
});

/** A queue of batch_size 1 whose one worker answers every batch with `fail`. */
function queueAnswering(fail: Error): ModelQueue {
  const worker = { infer: (_m: string, _items: unknown[], _t: number, done: (e?: Error) => void) => done(fail) };
  return new ModelQueue({ modelKey: 'm/1.0', batchSize: 1, maxBatchDelayMs: 0, capacity: 4, responseTimeoutMs: 1000, clock: systemClock }, { idleWorker: () => worker as never, liveCount: () => 1 });
}

function answerOf(q: ModelQueue, expiresAt?: number): Promise<ItemResult> {
  return new Promise((resolve) => q.submit({ item: { parts: [] }, t0: 0, done: resolve, ...(expiresAt === undefined ? {} : { expiresAt }) }));
}

test('the queue answers with errors, not bodies: worker gone (503), deadline passed (504)', async () => {
  const gone = await answerOf(queueAnswering(new MlsError('MLS_ERR_SERVE_WORKER_GONE', { exited: { worker: 'w1', how: 'SIGKILL' } })));
  assert.equal(gone.error?.code, 'MLS_ERR_SERVE_WORKER_GONE');
  assert.deepEqual([gone.status, gone.body.length, gone.error?.message], [503, 0, 'worker w1 exited (SIGKILL)']);
  const crashed = await answerOf(queueAnswering(new Error('boom')));
  assert.deepEqual([crashed.error?.code, crashed.error?.message], ['MLS_ERR_SERVE_WORKER_GONE', 'worker error: boom']);
  const late = await answerOf(queueAnswering(new Error('not reached')), 0);
  assert.equal(late.error?.code, 'MLS_ERR_SERVE_DEADLINE');
  assert.deepEqual(JSON.parse(torchServeBody(late.error!).toString()), { code: 504, type: 'RequestTimeoutException', message: 'The client deadline passed while the request was queued; it was not run.' });
});

/** A reply that records what the listener answered. */
function recorder(): { res: Reply & ServerResponse; answer: Promise<{ status: number; body: unknown }> } {
  let status = 0;
  let settle!: (v: { status: number; body: unknown }) => void;
  const answer = new Promise<{ status: number; body: unknown }>((resolve) => (settle = resolve));
  const res = {
    headersSent: false,
    writeHead: (s: number) => (status = s),
    end: (body?: string | Buffer) => settle({ status, body: JSON.parse(String(body)) as unknown }),
    destroy: () => {},
  };
  return { res: res as unknown as Reply & ServerResponse, answer };
}

/** The body the listener answered is the catalog code's TorchServe rendering. */
async function answersWith(code: ErrorCode, send: (res: Reply & ServerResponse) => void, args?: unknown): Promise<void> {
  const { res, answer } = recorder();
  send(res);
  const expected = new MlsError(code, args as never);
  assert.deepEqual(await answer, { status: expected.httpStatus, body: JSON.parse(torchServeBody(expected).toString()) });
}

test('listeners answer routing, draining and auth refusals with their codes', async () => {
  const reg = { closing: true, settings: { time: { clock: systemClock } } } as unknown as Registry;
  const inference = inferenceListener(reg, { maxRequestSize: 1024 });
  const request = (method: string, url: string) => ({ method, url, headers: {}, body: Buffer.alloc(0) });
  await answersWith('MLS_ERR_SERVE_NO_ROUTE', (res) => inference(request('GET', '/nothing-here'), res));
  await answersWith('MLS_ERR_SERVE_METHOD_NOT_ALLOWED', (res) => inference(request('GET', '/predictions/m'), res));
  await answersWith('MLS_ERR_SERVE_SHUTTING_DOWN', (res) => inference(request('POST', '/predictions/m'), res));
  // The same error on a KServe / OIP route, in KServe's style.
  const kserve = recorder();
  inference(request('POST', '/v2/models/m/infer'), kserve.res);
  assert.deepEqual(await kserve.answer, { status: 503, body: { error: new MlsError('MLS_ERR_SERVE_SHUTTING_DOWN').message } });
  const guarded = requireKey('secret', () => assert.fail('the listener behind the key ran'));
  const req = Object.assign(new PassThrough(), { headers: { authorization: 'Bearer wrong' } }) as unknown as IncomingMessage;
  await answersWith('MLS_ERR_SERVE_BAD_TOKEN', (res) => guarded(req, res));
});

test('model control refused while the API is locked', async () => {
  const e = await refusal(() => registerModel({ apiLocked: 'model control is off (model_api_enabled=false)' } as unknown as Registry, new URLSearchParams('url=m.mar')));
  assert.deepEqual([e.code, e.httpStatus, e.type, e.message], ['MLS_ERR_SERVE_API_LOCKED', 403, 'ModelControlException', 'model control is off (model_api_enabled=false)']);
});
