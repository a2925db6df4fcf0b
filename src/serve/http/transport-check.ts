// Which transport the inference listener runs on. mlserve's HTTP/1.1 transport drives Node's
// internal llhttp binding (node:_http_common), which is not a public API: a new Node may change
// how it calls back. So before trusting it, a server sends it canned requests over loopback (a
// binary body by length, a chunked body, a pipelined GET) and checks every answer byte for byte;
// when anything differs it falls back to node:http and says why. Forcing `llhttp` refuses to
// start instead: a server never runs silently on something other than what it was asked for.
import { connect } from 'node:net';
import { MlsError } from '../../errors.js';
import { Http1Server, llhttp, type Http1Handler, type Http1Options } from './http1-server.js';

export const HTTP_TRANSPORTS = ['auto', 'llhttp', 'node'] as const;
export type HttpTransport = (typeof HTTP_TRANSPORTS)[number];

const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const CHUNKED = Buffer.from('chunked body with\r\nCRLF inside');

const REQUESTS = Buffer.concat([
  Buffer.from(`POST /check/binary?q=1 HTTP/1.1\r\nHost: x\r\nX-Check: a\r\nX-Check: b\r\nContent-Length: ${BINARY.length}\r\n\r\n`),
  BINARY,
  Buffer.from(`PUT /check/chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${CHUNKED.length.toString(16)}\r\n`),
  CHUNKED,
  Buffer.from('\r\n0\r\n\r\nGET /check/last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
]);

/** What each request must arrive as: method, url, the repeated header joined, the body's digest. */
function describe(method: string, url: string, xCheck: string | undefined, body: Buffer): string {
  return `${method} ${url} [${xCheck ?? ''}] ${body.length}:${body.toString('base64')}`;
}

const EXPECTED = [describe('POST', '/check/binary?q=1', 'a, b', BINARY), describe('PUT', '/check/chunked', undefined, CHUNKED), describe('GET', '/check/last', undefined, Buffer.alloc(0))];

/** Null when llhttp parses and answers the canned requests exactly; else what went wrong. */
export async function llhttpProblem(opts: Http1Options, timeoutMs = 2_000): Promise<string | null> {
  if (!llhttp) return 'node:_http_common has no HTTPParser on this Node';
  const handler: Http1Handler = (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(describe(req.method, req.url, req.headers['x-check'], req.body));
  };
  let server: Http1Server;
  try {
    server = new Http1Server(handler, opts);
    await server.listen(0, '127.0.0.1');
  } catch (e) {
    return `could not start the check listener: ${(e as Error).message}`;
  }
  try {
    const port = (server.address() as { port: number }).port;
    const raw = await exchange(port, timeoutMs);
    const bodies = answerBodies(raw);
    for (let i = 0; i < EXPECTED.length; i++) {
      if (bodies[i] !== EXPECTED[i]) return `request ${i + 1} arrived as ${JSON.stringify(bodies[i] ?? null)}, expected ${JSON.stringify(EXPECTED[i])}`;
    }
    return null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

function exchange(port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = connect(port, '127.0.0.1', () => sock.end(REQUESTS));
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
  });
}

/** The bodies of HTTP/1.1 answers with Content-Length, in order. */
function answerBodies(raw: string): string[] {
  const out: string[] = [];
  let off = 0;
  while (off < raw.length) {
    const end = raw.indexOf('\r\n\r\n', off);
    if (end < 0) break;
    const head = raw.slice(off, end);
    const len = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!head.startsWith('HTTP/1.1 200') || !len) return [...out, `a malformed answer: ${JSON.stringify(head)}`];
    const start = end + 4;
    out.push(raw.slice(start, start + Number(len[1])));
    off = start + Number(len[1]);
  }
  return out;
}

/**
 * The transport to use: `llhttp` when asked for and working (refused when not), `node` when asked
 * for, and for `auto` llhttp when its check passes, else node with the reason to log.
 */
export async function chooseTransport(
  wanted: HttpTransport,
  opts: Http1Options,
  check: (opts: Http1Options) => Promise<string | null> = llhttpProblem,
): Promise<{ transport: 'llhttp' | 'node'; fallbackReason?: string }> {
  if (wanted === 'node') return { transport: 'node' };
  const problem = await check(opts);
  if (problem === null) return { transport: 'llhttp' };
  if (wanted === 'llhttp') {
    throw new MlsError('MLS_ERR_SERVE_TRANSPORT', { version: process.version, problem });
  }
  return { transport: 'node', fallbackReason: problem };
}
