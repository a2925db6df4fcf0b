// The inference listener's HTTP/1.1 transport, over raw sockets: what node:http would do for the
// same bytes (pipelining order, chunked bodies, 100-continue, HTTP/1.0, HEAD) and the bounds
// (413 before the body is read, 431, 400, 408, idle keep-alive, header injection).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { createServer } from 'node:http';
import { Http1Server, viaNodeHttp, type Http1Request } from '../../src/serve/http/http1-server.js';
import { chooseTransport, llhttpProblem } from '../../src/serve/http/transport-check.js';
import { MlsError } from '../../src/errors.js';
import { FakeClock } from '../helpers/fake-clock.js';

let server: Http1Server;
let port = 0;
const seen: Http1Request[] = [];

const LIMITS = { maxHeaderSize: 1024, maxBodySize: 1000, headersTimeoutMs: 1000, requestTimeoutMs: 1000, keepAliveTimeoutMs: 1000, firstByteTimeoutMs: 1000, sweepIntervalMs: 1000 };

function errorBody(status: number, message: string): Buffer {
  return Buffer.from(JSON.stringify({ code: status, message }));
}

before(async () => {
  server = new Http1Server(
    (req, res) => {
      seen.push(req);
      const wait = /[?&]wait=(\d+)/.exec(req.url);
      const answer = () => {
        if (req.url.startsWith('/inject')) res.writeHead(200, { 'content-type': 'text/plain\r\nx-evil: 1' });
        else res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`${req.method} ${req.url} ${req.body.length} ${req.body.toString().slice(0, 20)}`);
      };
      if (req.url.startsWith('/throw')) throw new Error('handler bug');
      if (wait) setTimeout(answer, Number(wait[1]));
      else answer();
    },
    { ...LIMITS, errorBody },
  );
  await server.listen(0, '127.0.0.1');
  port = (server.address() as { port: number }).port;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

/** Sends `chunks` (with a pause between them) and collects everything until the server closes or `until` matches. */
function exchange(chunks: string[], until?: RegExp, gapMs = 20): Promise<{ text: string; closed: boolean; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      resolve({ text, closed, socket: s });
    };
    s.on('data', (d) => {
      text += d.toString('latin1');
      if (until?.test(text)) finish(false);
    });
    s.on('close', () => finish(true));
    s.on('error', (e) => (done ? undefined : reject(e)));
    s.on('connect', async () => {
      for (const c of chunks) {
        if (s.destroyed) break;
        s.write(c);
        await new Promise((r) => setTimeout(r, gapMs));
      }
    });
    setTimeout(() => finish(false), 5000).unref();
  });
}

const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));

describe('HTTP/1.1 transport', () => {
  it('answers pipelined requests in request order even when they finish out of order', async () => {
    const reqs = ['/a?wait=80', '/b?wait=5', '/c'].map((u) => `GET ${u} HTTP/1.1\r\nhost: x\r\n\r\n`).join('');
    const { text, socket } = await exchange([reqs], /GET \/c 0/);
    socket.destroy();
    const order = [...text.matchAll(/GET (\/\w)/g)].map((m) => m[1]);
    assert.deepEqual(order, ['/a', '/b', '/c']);
    assert.deepEqual(statuses(text), [200, 200, 200]);
    assert.match(text, /connection: keep-alive/);
  });

  it('reads chunked bodies, answers 100-continue, and keeps headers lower-case with duplicates joined', async () => {
    const chunked = 'POST /chunked HTTP/1.1\r\nhost: x\r\nX-Tag: a\r\nx-tag: b\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n';
    const r = await exchange([chunked], /POST \/chunked 11 hello world/);
    r.socket.destroy();
    const req = seen.find((q) => q.url === '/chunked')!;
    assert.equal(req.headers['x-tag'], 'a, b');
    const cont = await exchange(['POST /cont HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\ncontent-length: 4\r\n\r\n'], /100 Continue/);
    cont.socket.write('data');
    await new Promise<void>((resolve) => cont.socket.on('data', (d) => (String(d).includes('POST /cont 4 data') ? resolve() : undefined)));
    cont.socket.destroy();
  });

  it('refuses a declared oversized body with 413 before reading it, and counts chunked bodies too', async () => {
    const declared = await exchange(['POST /big HTTP/1.1\r\nhost: x\r\ncontent-length: 5000\r\n\r\n']);
    assert.deepEqual(statuses(declared.text), [413]);
    assert.match(declared.text, /connection: close/);
    assert.ok(declared.closed, 'the connection closes after the 413');
    const chunk = 'x'.repeat(600);
    const counted = await exchange([`POST /big2 HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n258\r\n${chunk}\r\n`, `258\r\n${chunk}\r\n`]);
    assert.deepEqual(statuses(counted.text), [413]);
    assert.ok(!seen.some((q) => q.url.startsWith('/big')), 'the handler never saw them');
  });

  it('answers broken requests with JSON 400 / 431 and closes', async () => {
    const broken = await exchange(['NOT A REQUEST\r\n\r\n']);
    assert.deepEqual(statuses(broken.text), [400]);
    assert.match(broken.text, /"code":400/);
    assert.ok(broken.closed);
    // garbage after a request still being answered: both answers, in order, then the close
    const late = await exchange(['GET /slow?wait=60 HTTP/1.1\r\nhost: x\r\n\r\nGARBAGE\r\n\r\n']);
    assert.deepEqual(statuses(late.text), [200, 400]);
    assert.ok(late.closed);
    const huge = await exchange([`GET / HTTP/1.1\r\nhost: x\r\nx-big: ${'y'.repeat(2000)}\r\n\r\n`]);
    assert.deepEqual(statuses(huge.text), [431]);
  });

  it('follows HTTP/1.0 (close unless keep-alive), HEAD (no body) and refuses header injection and handler throws with 500', async () => {
    const old = await exchange(['GET /old HTTP/1.0\r\n\r\n']);
    assert.ok(old.closed);
    assert.match(old.text, /connection: close/);
    assert.match(old.text, /GET \/old 0/);
    const head = await exchange(['HEAD /h HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n']);
    assert.match(head.text, /content-length: 10\r\n/);
    assert.ok(!head.text.includes('HEAD /h'), 'no body after a HEAD');
    const inject = await exchange(['GET /inject HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n']);
    assert.deepEqual(statuses(inject.text), [500]);
    assert.ok(!inject.text.includes('x-evil'));
    const thrown = await exchange(['GET /throw HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n']);
    assert.deepEqual(statuses(thrown.text), [500]);
    assert.match(thrown.text, /handler bug/);
  });

  it('times out slow headers with 408 and closes idle keep-alive and silent connections, swept on its clock', async () => {
    const clock = new FakeClock();
    const timed = new Http1Server(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      },
      // A sweep every fake millisecond: the timeouts take effect on the clock's own timer, not a test's sweep().
      { ...LIMITS, firstByteTimeoutMs: 5000, sweepIntervalMs: 1, clock, errorBody },
    );
    await timed.listen(0, '127.0.0.1');
    const at = (timed.address() as { port: number }).port;
    const client = (first: string) => {
      const sock = connect(at, '127.0.0.1', () => sock.write(first));
      let text = '';
      sock.on('data', (d: Buffer) => (text += d.toString('latin1')));
      sock.on('error', () => {});
      const closed = new Promise<void>((r) => sock.on('close', () => r()));
      let isClosed = false;
      void closed.then(() => (isClosed = true));
      return { text: () => text, closed, isClosed: () => isClosed, answered: new Promise<void>((r) => sock.on('data', () => r())) };
    };
    try {
      // Each connection's first request is answered: then the server has read all it was sent
      // (one parser run per read), so the slow one is half-way through its second request's headers.
      const slow = client('GET /first HTTP/1.1\r\nhost: x\r\n\r\nGET /second HTTP/1.1\r\n');
      const idle = client('GET /idle HTTP/1.1\r\nhost: x\r\n\r\n');
      const silent = client('');
      await Promise.all([slow.answered, idle.answered]);
      while (timed.connections.size < 3) await new Promise((r) => setImmediate(r));
      const destroyed = () => [...timed.connections].filter((c) => c.socket.destroyed || c.socket.writableEnded).length;
      clock.advance(999);
      assert.equal(destroyed(), 0, 'nothing closes before its timeout');
      clock.advance(2);
      await Promise.all([slow.closed, idle.closed]);
      assert.deepEqual(statuses(slow.text()), [200, 408]);
      assert.deepEqual(statuses(idle.text()), [200]);
      while (timed.connections.size > 1) await new Promise((r) => setTimeout(r, 5));
      assert.equal(destroyed(), 0);
      assert.ok(!silent.isClosed(), 'the silent connection has its own, longer timeout');
      clock.advance(4000);
      await silent.closed;
      assert.equal(silent.text(), '');
    } finally {
      timed.closeAllConnections();
      timed.close();
    }
  });
});

describe('node:http fallback', () => {
  it('gives the handler the same request (whole body) and refuses oversized bodies with 413', async () => {
    const got: Http1Request[] = [];
    const s = createServer(viaNodeHttp((req, res) => {
      got.push(req);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`${req.method} ${req.body.length}`);
    }, 100));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(s.address() as { port: number }).port}/p?q=1`;
    try {
      const ok = await fetch(url, { method: 'POST', body: 'x'.repeat(50), headers: { 'x-tag': 'v' } });
      assert.equal(await ok.text(), 'POST 50');
      assert.equal(got[0]!.url, '/p?q=1');
      assert.equal(got[0]!.headers['x-tag'], 'v');
      const big = await fetch(url, { method: 'POST', body: 'x'.repeat(500) });
      assert.equal(big.status, 413);
      assert.equal(got.length, 1);
    } finally {
      s.closeAllConnections();
      s.close();
    }
  });
});

describe('transport start-up check', () => {
  const opts = { ...LIMITS, errorBody };

  it(`passes on this Node (${process.version}): binary, chunked and pipelined requests arrive exactly`, async () => {
    assert.equal(await llhttpProblem(opts), null);
    assert.deepEqual(await chooseTransport('auto', opts), { transport: 'llhttp' });
  });

  it('reports a body the transport cuts short, instead of passing', async () => {
    const small = { ...opts, maxBodySize: 100 }; // the 256-byte request is refused with 413
    assert.match((await llhttpProblem(small)) ?? 'passed', /malformed answer|arrived as/);
  });

  it('falls back to node:http under auto, refuses under llhttp, and skips the check under node', async () => {
    const broken = () => Promise.resolve('request 1 arrived as "POST /check 0:"');
    assert.deepEqual(await chooseTransport('auto', opts, broken), { transport: 'node', fallbackReason: 'request 1 arrived as "POST /check 0:"' });
    await assert.rejects(chooseTransport('llhttp', opts, broken), (e: MlsError) => e.code === 'MLS_ERR_SERVE_TRANSPORT');
    let checked = false;
    const spy = () => ((checked = true), Promise.resolve(null));
    assert.deepEqual(await chooseTransport('node', opts, spy), { transport: 'node' });
    assert.equal(checked, false);
  });
});
