// The inference listener's HTTP/1.1 server. It drives Node's own llhttp parser (the HTTPParser that
// node:http uses, from node:_http_common) straight from the socket, and answers with one prebuilt
// buffer per response: no IncomingMessage / ServerResponse streams per request. On the
// serve-overhead bench that halves the HTTP layer's CPU per request (src/serve/DESIGN.md, "HTTP
// transport"). Requests reach the handler with their whole body (bounded by maxBodySize).
// Kept from node:http: strict parsing (llhttp, no lenient flags), keep-alive and HTTP/1.0 rules,
// pipelining with answers in request order, `Expect: 100-continue`, the same header, request,
// keep-alive and first-byte timeouts as server.ts gives node:http, JSON errors for bad requests.
import { createRequire } from 'node:module';
import { STATUS_CODES, type RequestListener, type ServerResponse } from 'node:http';
import { collectBody, sendError } from './errors.js';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import type { HttpLimits } from '../limits.js';

interface Parser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | (Error & { code?: string });
  finish(): number | Error | undefined;
  close(): void;
  [callback: number]: unknown;
}
interface ParserClass {
  new (): Parser;
  REQUEST: number;
  kOnMessageBegin: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kLenientNone: number;
}

/** Node's llhttp binding, or null on a Node without it (server.ts then uses node:http). */
export const llhttp = ((): { HTTPParser: ParserClass; methods: string[] } | null => {
  try {
    const m = createRequire(import.meta.url)('_http_common') as { HTTPParser?: ParserClass; methods?: string[] };
    return m.HTTPParser && Array.isArray(m.methods) ? { HTTPParser: m.HTTPParser, methods: m.methods } : null;
  } catch {
    return null;
  }
})();

export interface Http1Request {
  method: string;
  url: string;
  /** Lower-case names; repeated headers joined with ", " (the first kept for single-valued ones), as node:http does. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** What handlers answer through; node:http's ServerResponse has the same shape. */
export interface Reply {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: string | Buffer): unknown;
  destroy(): unknown;
}

export type Http1Handler = (req: Http1Request, res: Reply) => void;

// The transport's bounds on slow and large requests: rows of src/serve/limits.ts.
export { DEFAULT_HTTP_LIMITS, type HttpLimits } from '../limits.js';

export interface Http1Options extends HttpLimits {
  maxBodySize: number;
  /** The answer to a request the parser refuses or that times out (a JSON error body). */
  errorBody(status: number, message: string): Buffer;
  /** Time for the timeouts, the sweep timer and the Date header (the server's clock; tests give a FakeClock). */
  clock?: Clock;
  /** Told the status of every answer (TorchServe's Requests2XX/4XX/5XX counters). */
  onStatus?(status: number): void;
}

const FIRST_WINS = new Set(['content-type', 'content-length', 'user-agent', 'referer', 'host', 'authorization', 'proxy-authorization', 'if-modified-since', 'if-unmodified-since', 'from', 'location', 'max-forwards', 'retry-after', 'etag', 'last-modified', 'server', 'age', 'expires']);
const MAX_PIPELINED = 32; // answers owed on one connection before reading pauses
const MAX_UNREAD = 1 << 20; // bytes written that the client has not taken yet, before reading pauses
// Bodies up to this are copied behind the head (one buffer, one write). Bigger ones go out as their
// own buffer in the same writev: a copy would be a fresh ArrayBuffer per answer (Node pools only
// allocations under 4 KiB), and external memory allocated that fast makes V8 start mark-compacts
// ("external memory pressure"; src/serve/DESIGN.md, "Answers and the GC").
const COPY_LIMIT = 2 * 1024;
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n');
const INVALID_HEADER = /[\r\n\0]/;

// The time as one server's connections see it: read when a request starts or ends, and by the
// sweep that enforces the timeouts, which also renews the Date header so answers never format it.
class ServerClock {
  now: number;
  dateLine = '';

  constructor(readonly source: Clock) {
    this.now = source.now();
    this.tick();
  }

  read(): number {
    return this.source.now();
  }

  tick(): void {
    this.now = this.source.now();
    this.dateLine = `date: ${new Date(this.source.epochMs()).toUTCString()}\r\n`;
  }
}

class Response implements Reply {
  headersSent = false;
  out: Buffer[] | null = null;
  close: boolean;
  private status = 200;
  private headers: Record<string, string> | undefined;

  constructor(
    private readonly conn: Connection,
    private readonly head: boolean,
    keepAlive: boolean,
  ) {
    this.close = !keepAlive;
  }

  writeHead(status: number, headers: Record<string, string>): this {
    this.status = status;
    this.headers = headers;
    return this;
  }

  end(body?: string | Buffer): void {
    if (this.out) return;
    this.headersSent = true;
    const payload = body === undefined ? Buffer.alloc(0) : typeof body === 'string' ? Buffer.from(body) : body;
    let head = `HTTP/1.1 ${this.status} ${STATUS_CODES[this.status] ?? 'Unknown'}\r\n`;
    for (const k in this.headers) {
      const v = this.headers[k]!;
      if (k === 'connection') {
        if (v === 'close') this.close = true;
        continue;
      }
      if (INVALID_HEADER.test(v) || INVALID_HEADER.test(k)) {
        // a handler's content type with a line break would split the response (header injection)
        this.status = 500;
        this.headers = { 'content-type': 'application/json' };
        this.out = null;
        return this.end(this.conn.opts.errorBody(500, `invalid header ${JSON.stringify(k)} in the handler's response`));
      }
      head += `${k}: ${v}\r\n`;
    }
    this.conn.opts.onStatus?.(this.status);
    head += `content-length: ${payload.length}\r\n${this.conn.clock.dateLine}${this.close ? 'connection: close\r\n\r\n' : this.conn.keepAliveLines}`;
    const size = Buffer.byteLength(head, 'latin1');
    if (this.head || payload.length === 0) this.out = [Buffer.from(head, 'latin1')];
    else if (payload.length <= COPY_LIMIT) {
      const b = Buffer.allocUnsafe(size + payload.length);
      b.write(head, 0, 'latin1');
      payload.copy(b, size);
      this.out = [b];
    } else this.out = [Buffer.from(head, 'latin1'), payload];
    this.conn.flush();
  }

  destroy(): void {
    this.conn.socket.destroy();
  }
}

const IDLE = 0;
const HEADERS = 1;
const BODY = 2;

class Connection {
  private readonly parser: Parser;
  private readonly owed: Response[] = [];
  private phase = IDLE;
  private since: number; // start of the current phase: idle since, or the message's first byte
  private served = false;
  private ended = false; // the client sent FIN
  private closing = false; // no more requests are read
  private paused = false;
  readonly keepAliveLines: string;
  // the message being read
  private url = '';
  private rawHeaders: string[] = [];
  private keepAlive = true;
  private chunks: Buffer[] = [];
  private size = 0;
  private tooLarge = false;
  private req: Http1Request = { method: '', url: '', headers: {}, body: Buffer.alloc(0) };
  private closingSince = 0;

  constructor(
    readonly socket: Socket,
    readonly opts: Http1Options,
    private readonly handler: Http1Handler,
    readonly clock: ServerClock,
  ) {
    this.since = clock.read();
    this.keepAliveLines = `connection: keep-alive\r\nkeep-alive: timeout=${Math.round(opts.keepAliveTimeoutMs / 1000)}\r\n\r\n`;
    const { HTTPParser } = llhttp!;
    const p = (this.parser = new HTTPParser());
    p.initialize(HTTPParser.REQUEST, {}, opts.maxHeaderSize, HTTPParser.kLenientNone);
    p[HTTPParser.kOnMessageBegin] = () => this.begin();
    p[HTTPParser.kOnHeaders] = (headers: string[], url: string) => {
      this.rawHeaders.push(...headers);
      this.url += url;
    };
    p[HTTPParser.kOnHeadersComplete] = (_maj: number, minor: number, headers: string[] | undefined, method: number, url: string | undefined, _s: unknown, _m: unknown, upgrade: boolean, keepAlive: boolean) =>
      this.headersDone(headers ?? this.rawHeaders, method, url ?? this.url, upgrade, keepAlive, minor);
    p[HTTPParser.kOnBody] = (b: Buffer, start?: number, len?: number) => this.bodyChunk(start === undefined ? b : b.subarray(start, start + len!));
    p[HTTPParser.kOnMessageComplete] = () => this.complete();
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.read(d));
    socket.on('end', () => {
      this.ended = true;
      if (this.phase !== IDLE) socket.destroy();
      else if (this.owed.length === 0) socket.end();
    });
    socket.on('drain', () => this.resumeIfRoom());
    socket.on('error', () => socket.destroy());
  }

  private read(d: Buffer): void {
    if (this.closing) return;
    const r = this.parser.execute(d);
    if (typeof r === 'number') return;
    if (r.code === 'HPE_PAUSED_UPGRADE') return this.stopReading(); // answered as a plain request, then closed
    this.fail(r.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400, `malformed HTTP request (${r.code ?? 'parse error'})`);
  }

  private begin(): void {
    if (this.closing) return;
    this.phase = HEADERS;
    this.since = this.clock.read();
    return undefined;
  }

  private headersDone(raw: string[], method: number, url: string, upgrade: boolean, keepAlive: boolean, minor: number): number {
    if (this.closing) return 0;
    this.phase = BODY;
    const h: Record<string, string | undefined> = {};
    for (let i = 0; i < raw.length; i += 2) {
      const k = raw[i]!.toLowerCase();
      const prev = h[k];
      if (prev === undefined) h[k] = raw[i + 1]!;
      else if (!FIRST_WINS.has(k)) h[k] = `${prev}, ${raw[i + 1]!}`;
    }
    this.rawHeaders = [];
    this.url = '';
    this.req = { method: llhttp!.methods[method] ?? 'UNKNOWN', url, headers: h, body: EMPTY };
    this.keepAlive = keepAlive && !upgrade;
    this.chunks = [];
    this.size = 0;
    this.tooLarge = Number(h['content-length'] ?? 0) > this.opts.maxBodySize;
    if (this.tooLarge) this.refuseTooLarge();
    else if (minor >= 1 && h.expect?.toLowerCase() === '100-continue') this.socket.write(CONTINUE);
    return 0;
  }

  private bodyChunk(b: Buffer): void {
    if (this.tooLarge || this.closing) return;
    this.size += b.length;
    if (this.size > this.opts.maxBodySize) {
      this.tooLarge = true;
      this.chunks = [];
      this.refuseTooLarge();
    } else this.chunks.push(b);
  }

  /**
   * 413 as soon as the body is known to be too big (declared or counted), without reading the rest,
   * and the connection closes after the answer (the rest of the body would be read as a request).
   */
  private refuseTooLarge(): void {
    const res = new Response(this, false, false);
    this.owed.push(res);
    this.stopReading();
    res.writeHead(413, { 'content-type': 'application/json' });
    res.end(this.opts.errorBody(413, `The request body is larger than max_request_size (${this.opts.maxBodySize} bytes).`));
  }

  private complete(): void {
    if (this.closing) return;
    const req = this.req;
    const res = new Response(this, req.method === 'HEAD', this.keepAlive);
    this.owed.push(res);
    this.phase = IDLE;
    this.since = this.clock.read();
    this.served = true;
    if (this.owed.length >= MAX_PIPELINED) this.pause();
    const expect = req.headers.expect;
    if (expect !== undefined && expect.toLowerCase() !== '100-continue') {
      res.close = true;
      this.stopReading();
      res.writeHead(417, { 'content-type': 'application/json' });
      res.end(this.opts.errorBody(417, `unsupported Expect: ${expect}`));
      return;
    }
    req.body = this.chunks.length === 1 ? this.chunks[0]! : this.chunks.length === 0 ? EMPTY : Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    try {
      this.handler(req, res);
    } catch (e) {
      if (!res.out) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(this.opts.errorBody(500, e instanceof Error ? e.message : String(e)));
      }
    }
  }

  /** Writes the answers that are ready, in request order. */
  flush(): void {
    const s = this.socket;
    if (s.destroyed) return;
    let corked = false;
    while (this.owed.length > 0 && this.owed[0]!.out) {
      const r = this.owed.shift()!;
      if (!corked && (this.owed.length > 0 || r.out!.length > 1)) {
        s.cork();
        corked = true;
      }
      for (const b of r.out!) s.write(b);
      if (r.close) {
        this.stopReading();
        this.owed.length = 0;
        s.end();
        break;
      }
    }
    if (corked) s.uncork();
    // a client that does not read its answers stops being read (resumed on 'drain')
    if (s.writableLength >= MAX_UNREAD) this.pause();
    if (this.owed.length === 0 && this.phase === IDLE) {
      this.since = this.clock.read();
      if (this.ended && !this.closing) s.end();
    }
    this.resumeIfRoom();
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  private resumeIfRoom(): void {
    if (!this.paused || this.closing) return;
    if (this.owed.length < MAX_PIPELINED && this.socket.writableLength < MAX_UNREAD) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private stopReading(): void {
    if (this.closing) return;
    this.closing = true;
    this.closingSince = this.clock.now;
  }

  /**
   * A refused or timed-out request: nothing more is read; its error is answered after the answers
   * still owed (in order), then the connection closes.
   */
  private fail(status: number, message: string): void {
    this.stopReading();
    if (this.socket.destroyed) return;
    const res = new Response(this, false, false);
    this.owed.push(res);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(this.opts.errorBody(status, message));
  }

  /** Called by each sweep: the timeouts. */
  check(): void {
    const now = this.clock.now;
    if (this.closing) {
      // answered and closing: a client that keeps sending or never reads is cut off
      if (now - this.closingSince > this.opts.headersTimeoutMs) this.socket.destroy();
      return;
    }
    const o = this.opts;
    const age = now - this.since;
    if (this.phase === HEADERS && age > o.headersTimeoutMs) this.fail(408, 'request headers timed out');
    else if (this.phase === BODY && age > o.requestTimeoutMs) this.fail(408, 'request timed out');
    else if (this.phase === IDLE && this.owed.length === 0 && age > (this.served ? o.keepAliveTimeoutMs : o.firstByteTimeoutMs)) this.socket.destroy();
  }

  closeIfIdle(): void {
    if (this.phase === IDLE && this.owed.length === 0) this.socket.destroy();
  }

  release(): void {
    const p = this.parser;
    // after the current callback stack has unwound, as node:http does
    setImmediate(() => p.close());
  }
}

const EMPTY = Buffer.alloc(0);

export class Http1Server {
  readonly connections = new Set<Connection>();
  readonly server: Server;
  private readonly clock: ServerClock;
  private sweeper: TimerHandle | undefined;

  constructor(handler: Http1Handler, private readonly opts: Http1Options) {
    const clock = (this.clock = new ServerClock(opts.clock ?? systemClock));
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      const c = new Connection(socket, opts, handler, clock);
      this.connections.add(c);
      socket.once('close', () => {
        this.connections.delete(c);
        c.release();
      });
    });
    this.server.once('close', () => this.stopSweeping());
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        if (this.opts.sweepIntervalMs > 0) this.sweeper ??= this.clock.source.setInterval(() => this.sweep(), this.opts.sweepIntervalMs).unref();
        resolve();
      });
    });
  }

  /** Reads the clock and enforces every connection's timeouts. */
  sweep(): void {
    this.clock.tick();
    for (const c of this.connections) c.check();
  }

  address(): AddressInfo | string | null {
    return this.server.address();
  }

  /** Stops accepting connections. */
  close(): void {
    this.server.close();
    this.stopSweeping();
  }

  closeIdleConnections(): void {
    for (const c of this.connections) c.closeIfIdle();
  }

  closeAllConnections(): void {
    for (const c of this.connections) c.socket.destroy();
  }

  private stopSweeping(): void {
    this.clock.source.clearTimer(this.sweeper);
    this.sweeper = undefined;
  }
}

/** The same handler on node:http (when the llhttp transport is not used): the body is read first. */
export function viaNodeHttp(handler: Http1Handler, maxBodySize: number): RequestListener {
  return (req, res) =>
    collectBody(req, maxBodySize, (e, body) => (e ? sendError(res, e) : handler({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers as Record<string, string | undefined>, body: body! }, nodeReply(res))));
}

/**
 * node:http's response as a Reply that frames answers as the llhttp transport does: the status and
 * headers are set, not written, so that end() sends Content-Length (an explicit writeHead would
 * switch node:http to chunked encoding), and a header value node:http refuses is a 500.
 */
function nodeReply(res: ServerResponse): Reply {
  let refused: string | undefined;
  return {
    get headersSent() {
      return res.headersSent;
    },
    writeHead(status: number, headers: Record<string, string>) {
      res.statusCode = status;
      try {
        for (const k in headers) res.setHeader(k, headers[k]!);
      } catch (e) {
        refused = (e as Error).message;
      }
      return this;
    },
    end(body?: string | Buffer) {
      if (refused === undefined) return res.end(body);
      for (const h of res.getHeaderNames()) res.removeHeader(h);
      res.statusCode = 500;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ code: 500, type: 'InternalServerException', message: `invalid header in the handler's response: ${refused}` }));
    },
    destroy: () => res.destroy(),
  };
}
