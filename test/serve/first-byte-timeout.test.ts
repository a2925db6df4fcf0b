// The node:http listeners (management, metrics, and inference on the node transport) close a
// connection that sends nothing within httpLimits.firstByteTimeoutMs. The timer runs on the
// server's injected clock, so the 10 s default is checked on a FakeClock: no real waiting, and a
// loaded machine cannot make it fire early or late.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/log.js';
import { startServer, type ServeHandle } from '../../src/serve/server.js';
import { DEFAULT_HTTP_LIMITS } from '../../src/serve/http/http1-server.js';
import { testServerOptions } from './density-store.js';
import { FakeClock } from '../helpers/fake-clock.js';

const FIRST_BYTE_MS = DEFAULT_HTTP_LIMITS.firstByteTimeoutMs;
let server: ServeHandle;
let store: string;
const clock = new FakeClock();

before(async () => {
  store = await mkdtemp(join(tmpdir(), 'mlserve-first-byte-'));
  server = await startServer(testServerOptions(store, { models: [], httpTransport: 'node' }), silentLogger, { clock });
});
after(async () => {
  await server?.close();
  await rm(store, { recursive: true, force: true });
});

/** A client socket, its text so far, and a promise of its close. */
function client(url: string): { socket: Socket; text: () => string; closed: Promise<void>; isClosed: () => boolean } {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  let text = '';
  let isClosed = false;
  socket.on('data', (d: Buffer) => (text += d.toString()));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) =>
    socket.on('close', () => {
      isClosed = true;
      resolve();
    }),
  );
  return { socket, text: () => text, closed, isClosed: () => isClosed };
}

/** Waits (on events, not on a time window) until the server has armed `n` more timers than `from`. */
async function timersArmed(from: number, n: number): Promise<void> {
  for (let i = 0; i < 2000 && clock.pending < from + n; i++) await new Promise((r) => setTimeout(r, 1));
  assert.equal(clock.pending, from + n, 'the server saw the connections');
}

describe('first-byte timeout of the node:http listeners', () => {
  for (const [which, path] of [['management', '/models'], ['inference', '/ping']] as const) {
    it(`${which}: closes a connection silent for firstByteTimeoutMs on the server's clock, and keeps one that spoke`, async () => {
      const base = clock.pending;
      const silent = client(server[which]);
      const talker = client(server[which]);
      // The talker's first request is answered before the clock moves: the server has read its bytes.
      talker.socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
      await timersArmed(base, 2);
      while (!/\r\n\r\n/.test(talker.text())) await new Promise((r) => setTimeout(r, 1));
      clock.advance(FIRST_BYTE_MS - 1);
      assert.equal(clock.pending, base + 2, 'no timer fired before the limit');
      clock.advance(1);
      await silent.closed;
      assert.equal(silent.text(), '', 'closed without an answer');
      assert.ok(!talker.isClosed());
      talker.socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`);
      await talker.closed;
      assert.equal(talker.text().match(/HTTP\/1\.1 200 /g)?.length, 2, 'the connection that spoke was served again');
    });
  }
});
