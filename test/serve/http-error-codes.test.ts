// The inference transport's own refusals, on a real server (no model, short configured limits):
// each answers the status and TorchServe type its catalog code owns, as a JSON body, and closes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MlsError, type ErrorCode } from '../../src/errors.js';
import { DEFAULT_HTTP_LIMITS } from '../../src/serve/http/http1-server.js';
import { httpBytes, rawRequest } from '../hardening/harness.js';
import { startTestServer, type TestServer } from '../hardening/server.js';

// A 1 KiB header limit and a 300 ms header timeout swept every 50 ms: the timeout case waits for
// the server's answer (no window is asserted), a fraction of a second.
const LIMITS = { ...DEFAULT_HTTP_LIMITS, maxHeaderSize: 1024, headersTimeoutMs: 300, firstByteTimeoutMs: 300, sweepIntervalMs: 50 };

let t: TestServer;
before(async () => {
  t = await startTestServer([], [], { httpLimits: LIMITS });
});
after(() => t?.stop());

/** What the catalog says the code answers: its status and TorchServe type. */
function owned(code: ErrorCode): { code: number; type: string } {
  const e = MlsError.relayed(code, '');
  return { code: e.httpStatus, type: e.type };
}

const CASES: Array<[ErrorCode, string, () => Buffer | string]> = [
  ['MLS_ERR_SERVE_HEADERS_TOO_LARGE', 'headers over maxHeaderSize', () => httpBytes('GET', '/ping', '', { 'x-filler': 'a'.repeat(4096) })],
  ['MLS_ERR_SERVE_EXPECTATION_FAILED', 'an Expect other than 100-continue', () => httpBytes('POST', '/predictions/m', 'x', { expect: 'the-unexpected' })],
  ['MLS_ERR_SERVE_HTTP_PROTOCOL', 'a request line that is not HTTP', () => 'NOT AN HTTP REQUEST\r\n\r\n'],
  ['MLS_ERR_SERVE_REQUEST_TIMEOUT', 'headers that never end', () => 'GET /ping HTTP/1.1\r\nhost: 127.0.0.1\r\n'],
];

for (const [code, what, bytes] of CASES) {
  test(`${code}: ${what}`, async () => {
    const r = await rawRequest(t.I, bytes());
    const want = owned(code);
    assert.equal(r.status, want.code, r.body);
    const body = JSON.parse(r.body) as { code: number; type: string; message: string };
    assert.deepEqual({ code: body.code, type: body.type }, want);
    assert.ok(body.message.length > 0);
  });
}
