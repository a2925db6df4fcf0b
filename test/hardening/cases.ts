// The hostile requests of the fuzz suite, generated from a seed: malformed JSON (random bytes,
// truncations, deep nesting), wrong tensor shapes and datatypes, invalid KServe v1 / OIP v2 bodies
// (huge dimensions, NaN, wrong types), broken multipart, lying Content-Length, truncated bodies,
// unknown paths and methods, bad percent-encoding, oversized headers and broken request lines.
import { httpBytes, type Rng } from './harness.js';

export interface FuzzCase {
  what: string;
  port: 'inference' | 'management';
  bytes: Buffer;
  /** The client half-closes after sending (the body can never complete). */
  end?: boolean;
  /** Closing the connection without an answer is acceptable (the body never arrived whole). */
  mayClose?: boolean;
}

const INFER_PATHS = ['/predictions/identity', '/predictions/identity/1.0', '/v1/models/identity:predict', '/v2/models/identity/infer', '/v2/models/identity/versions/1.0/infer'];
const JSON_TYPE = { 'content-type': 'application/json' };

function brokenJson(rng: Rng): string {
  const valid = JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] });
  switch (rng.int(0, 5)) {
    case 0:
      return rng.bytes(rng.int(1, 300)).toString('latin1');
    case 1:
      return valid.slice(0, rng.int(1, valid.length - 1));
    case 2: {
      const d = rng.pick([1000, 20_000, 200_000]);
      return '['.repeat(d) + ']'.repeat(d);
    }
    case 3:
      return `[[${rng.pick(['NaN', 'Infinity', '-Infinity', 'undefined', '0x10', "'1'", '1,,2'])}, 1, 2, 3]]`;
    case 4: {
      const d = rng.pick([5000, 100_000]);
      return '{"a":'.repeat(d) + '1' + '}'.repeat(d);
    }
    default:
      return valid.replace(/[{}[\]]/, '');
  }
}

/** Parses as JSON but cannot be a valid input of the identity model (float32 [N,4]). */
function wrongTensor(rng: Rng): string {
  const v2 = (input: Record<string, unknown>) => JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4], ...input }] });
  return rng.pick([
    () => '[[1,2,3]]',
    () => '[[1,2,3,4,5]]',
    () => '[[[1,2,3,4]]]',
    () => '[[1,2,"x",4]]',
    () => '[[1,2],[3,4,5,6]]',
    () => '"just a string"',
    () => '42',
    () => 'null',
    () => '{"nope":[[1,2,3,4]]}',
    () => '{"instances":[[1,2,3]]}',
    () => '{"instances":"x"}',
    () => '{"inputs":5}',
    () => '{"inputs":[null]}',
    () => '{"inputs":[{"name":"input"}]}',
    () => v2({ datatype: rng.pick(['FP99', 'BYTES', 'STRING', '', 7]) }),
    () => v2({ shape: [rng.pick([1e9, 2 ** 31, 2 ** 53]), rng.pick([1e9, 4])] }),
    () => v2({ shape: [-1, -4] }),
    () => v2({ shape: [1, 3], data: [1, 2, 3] }),
    () => v2({ shape: [2, 2] }),
    () => v2({ shape: ['a', 4] }),
    () => v2({ shape: 'x' }),
    () => v2({ data: 'abc' }),
    () => v2({ data: { a: 1 } }),
    () => v2({ data: [1, 2, 'NaN', 4] }),
    () => v2({ data: [1, 2, null, 4] }),
    () => v2({ name: 'not_an_input' }),
    () => v2({ shape: [1, 4], data: Array.from({ length: 5000 }, () => 1) }),
  ])();
}

function multipart(rng: Rng): { body: Buffer; type: string } {
  const b = 'xYz' + rng.int(0, 1e6);
  const part = `--${b}\r\nContent-Disposition: form-data; name="data"\r\nContent-Type: application/json\r\n\r\n[[1,2,3]]\r\n`;
  return rng.pick([
    () => ({ body: Buffer.from(part + `--${b}--\r\n`), type: 'multipart/form-data' }),
    () => ({ body: Buffer.from(part), type: `multipart/form-data; boundary=${b}` }),
    () => ({ body: Buffer.from(part + `--${b}--\r\n`), type: 'multipart/form-data; boundary=other' }),
    () => ({ body: Buffer.from(part + `--${b}--\r\n`), type: `multipart/form-data; boundary=${'z'.repeat(300)}` }),
    () => ({ body: rng.bytes(200), type: `multipart/form-data; boundary=${b}` }),
    () => ({ body: Buffer.from(`--${b}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${b}--\r\n`), type: `multipart/form-data; boundary=${b}` }),
    () => ({ body: Buffer.from(Array.from({ length: 100 }, (_, i) => `--${b}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\n1\r\n`).join('') + `--${b}--\r\n`), type: `multipart/form-data; boundary=${b}` }),
    () => ({ body: Buffer.from(`--${b}--\r\n`), type: `multipart/form-data; boundary=${b}` }),
  ])();
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'TRACE', 'FOO'];
const ODD_PATHS = ['/', '/x', '/predictions', '/predictions/', '/predictions/identity/1.0/extra', '/v2/models', '/v2/models/identity/versions', '/v1/models/identity:explained', '/models/identity/1.0/set-default/x', '/metrics/..', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/predictions/%', '/predictions/%zz', '/predictions/%E0%A4%A', '/predictions/%00', '/v2/models/%E0%A4%A/infer', '/v2/models/%ff%fe/ready', '/models/%', '/models/%ff', '/models/..%2f..%2fetc', '/predictions/' + 'a'.repeat(4000)];

/** One hostile request; the mix covers every endpoint and every kind of breakage. */
export function fuzzCase(rng: Rng): FuzzCase {
  const kind = rng.int(0, 10);
  const path = rng.pick(INFER_PATHS);
  switch (kind) {
    case 0:
    case 1:
      return { what: `broken JSON → ${path}`, port: 'inference', bytes: httpBytes('POST', path, brokenJson(rng), JSON_TYPE) };
    case 2:
    case 3:
      return { what: `wrong tensor → ${path}`, port: 'inference', bytes: httpBytes('POST', path, wrongTensor(rng), JSON_TYPE) };
    case 4: {
      const m = multipart(rng);
      return { what: `multipart (${m.type.slice(0, 40)}) → ${path}`, port: 'inference', bytes: httpBytes('POST', path, m.body, { 'content-type': m.type }), mayClose: false };
    }
    case 5: {
      const body = '[[1,2,3,4]]';
      const cut = rng.int(1, body.length - 2);
      // Content-Length says more than is sent, and the client half-closes: the body never completes.
      if (rng.next() < 0.5) return { what: `truncated body → ${path}`, port: 'inference', bytes: httpBytes('POST', path, body.slice(0, cut), JSON_TYPE, body.length + rng.int(1, 1000)), end: true, mayClose: true };
      // Content-Length says less: the server reads a cut body, then garbage as the next request.
      return { what: `short Content-Length → ${path}`, port: 'inference', bytes: httpBytes('POST', path, body, { ...JSON_TYPE, connection: 'keep-alive' }, cut) };
    }
    case 6: {
      const port = rng.next() < 0.5 ? 'inference' : 'management';
      const m = rng.pick(METHODS.filter((x) => x !== 'HEAD'));
      return { what: `${m} ${port} odd path`, port, bytes: httpBytes(m, rng.pick(ODD_PATHS), '') };
    }
    case 7: {
      const port = rng.next() < 0.5 ? 'inference' : 'management';
      return rng.pick([
        () => ({ what: 'oversized header', port, bytes: httpBytes('GET', '/ping', '', { 'x-big': 'a'.repeat(rng.int(20_000, 60_000)) }) }),
        () => ({ what: 'many headers', port, bytes: httpBytes('GET', '/ping', '', Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`x-h${i}`, 'v']))) }),
        () => ({ what: 'broken request line', port, bytes: Buffer.from(`${rng.bytes(40).toString('latin1').replace(/[\r\n]/g, 'x')}\r\n\r\n`, 'latin1') }),
        () => ({ what: 'both Transfer-Encoding and Content-Length', port, bytes: httpBytes('POST', '/predictions/identity', '5\r\nhello\r\n0\r\n\r\n', { 'transfer-encoding': 'chunked' }, 3) }),
        () => ({ what: 'bad chunk size', port, bytes: Buffer.from('POST /predictions/identity HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n') }),
        () => ({ what: 'negative Content-Length', port, bytes: Buffer.from('POST /predictions/identity HTTP/1.1\r\nhost: x\r\ncontent-length: -5\r\n\r\n') }),
        () => ({ what: 'header without colon', port, bytes: Buffer.from('GET /ping HTTP/1.1\r\nhost: x\r\nnocolon\r\n\r\n') }),
        () => ({ what: 'HTTP/9.9', port, bytes: Buffer.from('GET /ping HTTP/9.9\r\nhost: x\r\n\r\n') }),
      ])() as FuzzCase;
    }
    case 8: {
      const body = rng.pick([brokenJson(rng), '{"url":5}', '{"url":"../../etc/passwd"}', '[1,2,3]', '{"url":"identity","initial_workers":"many"}']);
      return { what: 'management register body', port: 'management', bytes: httpBytes('POST', '/models', body, JSON_TYPE) };
    }
    case 9: {
      const url = rng.pick(['../secret.mar', '..%2Fsecret.mar', '%2e%2e/secret.mar', '/etc/passwd', 'file:///etc/passwd', 'http://127.0.0.1:1/x.mar', 'https://169.254.169.254/latest/meta-data', 'nope.mar', 'a/b.mar', '', '%00.mar', 'x'.repeat(5000)]);
      return { what: `register url ${url.slice(0, 40)}`, port: 'management', bytes: httpBytes('POST', `/models?url=${encodeURIComponent(url)}`, '') };
    }
    default: {
      const q = rng.pick(['min_worker=abc', 'min_worker=-1', 'min_worker=2&max_worker=1', 'min_worker=1e3', 'min_worker=99999999999999999999', 'limit=abc', 'next_page_token=x']);
      const p = q.startsWith('min') ? rng.pick(['/models/identity', '/models/nope', '/models/identity/9.9']) : '/models';
      return { what: `management ${p}?${q}`, port: 'management', bytes: httpBytes(q.startsWith('min') ? 'PUT' : 'GET', `${p}?${q}`, '') };
    }
  }
}
