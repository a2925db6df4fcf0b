// The server's refusals, provoked through the code that finds them (no server, no worker): each
// throws its catalog code, and the code's status and TorchServe type are what the HTTP layer sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
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
import type { ItemResult } from '../../src/serve/ipc/messages.js';

async function refusal(f: () => unknown): Promise<MlsError> {
  try {
    await f();
  } catch (e) {
    assert.ok(e instanceof MlsError, `not an MlsError: ${String(e)}`);
    return e;
  }
  assert.fail('nothing was thrown');
}

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
  return new ModelQueue({ modelKey: 'm/1.0', batchSize: 1, maxBatchDelayMs: 0, capacity: 4, responseTimeoutMs: 1000 }, { idleWorker: () => worker as never });
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
