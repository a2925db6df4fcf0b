// Shared pieces of the hardening suites: a seeded random generator (runs are reproducible), a raw
// HTTP client over a TCP socket (for requests fetch refuses to send: wrong Content-Length, truncated
// bodies, huge headers, broken request lines) and a healthy client that keeps predicting while
// the server is under attack, so each suite can assert that other clients were never hurt.
import { connect } from 'node:net';

/** mulberry32: small, fast and deterministic for a given seed. */
export function seeded(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
  };
}
export type Rng = ReturnType<typeof seeded>;

export interface RawResponse {
  /** 0 when the server closed the connection without an HTTP response. */
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses the first HTTP/1.1 response in `data` (Content-Length or close-delimited bodies). */
export function parseResponse(data: Buffer): RawResponse {
  const text = data.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (!m || end < 0) return { status: 0, headers: {}, body: '' };
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, end).split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = data.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
  if (headers['content-length']) body = body.subarray(0, Number(headers['content-length']));
  else if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  return { status: Number(m[1]), headers, body: body.toString('utf8') };
}

function dechunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  for (;;) {
    const nl = b.indexOf('\r\n', i);
    if (nl < 0) break;
    const n = parseInt(b.subarray(i, nl).toString(), 16);
    if (!n) break;
    out.push(b.subarray(nl + 2, nl + 2 + n));
    i = nl + 4 + n;
  }
  return Buffer.concat(out);
}

/**
 * Sends raw bytes, half-closes when `end` (the server sees EOF; Node then drops requests still
 * being answered, so only the truncated-body cases use it), and collects what comes back until
 * the server closes or a full response has arrived, or `timeoutMs` passes.
 */
export function rawRequest(url: string, bytes: Buffer | string, opts: { end?: boolean; timeoutMs?: number } = {}): Promise<RawResponse & { closed: boolean; ms: number }> {
  const u = new URL(url);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sock = connect(Number(u.port), u.hostname);
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ ...parseResponse(Buffer.concat(chunks)), closed, ms: performance.now() - t0 });
    };
    const timer = setTimeout(() => finish(false), opts.timeoutMs ?? 10_000);
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      const r = parseResponse(Buffer.concat(chunks));
      const len = r.headers['content-length'];
      if (r.status && len !== undefined && Buffer.byteLength(r.body) >= Number(len)) finish(false);
    });
    sock.on('error', () => finish(true));
    sock.on('close', () => finish(true));
    sock.write(bytes);
    if (opts.end) sock.end();
  });
}

/** An HTTP/1.1 request as bytes; `contentLength` may lie about the body. */
export function httpBytes(method: string, path: string, body: Buffer | string = '', headers: Record<string, string> = {}, contentLength?: number): Buffer {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const h = { host: '127.0.0.1', connection: 'close', 'content-length': String(contentLength ?? b.length), ...headers };
  const head = `${method} ${path} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), b]);
}

/**
 * A client predicting on `url` in a loop until stopped; counts successes and failures, so a suite
 * can assert the server kept serving others while it was being attacked.
 */
export function healthyClient(url: string, body: string, expect: (json: unknown) => boolean) {
  let ok = 0;
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(15_000) });
        const text = await res.text();
        if (res.status === 200 && expect(JSON.parse(text))) ok++;
        else failures.push(`${res.status} ${text.slice(0, 200)}`);
      } catch (e) {
        failures.push(String(e));
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    get ok() {
      return ok;
    },
    failures,
    async stop() {
      running = false;
      await loop;
      return { ok, failures };
    },
  };
}

/** True when `text` is a JSON error body (TorchServe's {code,type,message} or KServe's {error}). */
export function isJsonError(text: string): boolean {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    return typeof v === 'object' && v !== null && (typeof v.message === 'string' || typeof v.error === 'string');
  } catch {
    return false;
  }
}
