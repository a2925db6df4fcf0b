// An independent measure of the generator's round trips, taken at its own sockets, for connections
// to one port. For each exchange it records two times from handing the request to the socket:
// until the response's bytes arrived (`arrived`, a lower bound: before any parsing), and until the
// generator had finished handling them (`handled`, an upper bound: parsing, bookkeeping and sending
// the next request). mlserve's latency of that exchange must lie between the two. On a machine whose
// scheduler delays processes by milliseconds, both bounds share those delays, so the comparison
// checks mlserve's arithmetic and precision rather than the machine's noise.
import { Socket } from 'node:net';

export interface WireTruth {
  /** Per exchange, ms; the first on each connection is left out (it includes connecting). */
  arrived: number[];
  handled: number[];
  stop(): void;
}

interface SocketState {
  requestAt?: bigint;
  arrivedAt?: bigint;
  /** The exchange answered during the current 'data' event, finalized once the handlers return. */
  answered?: { requestAt: bigint; arrivedAt: bigint };
  exchanges: number;
}

type Fn = (...a: unknown[]) => unknown;

export function captureWireTruth(port: number): WireTruth {
  const arrived: number[] = [];
  const handled: number[] = [];
  const states = new WeakMap<Socket, SocketState>();
  const proto = Socket.prototype as unknown as Record<'write' | 'emit' | 'connect', Fn>;
  const orig = { write: proto.write, emit: proto.emit, connect: proto.connect };
  const tagged = new WeakSet<Socket>();
  const stateOf = (s: Socket): SocketState | undefined => {
    if (!tagged.has(s)) return undefined;
    let st = states.get(s);
    if (!st) states.set(s, (st = { exchanges: 0 }));
    return st;
  };
  proto.connect = function (this: Socket, ...args: unknown[]) {
    // net.connect(port, host) reaches here as one normalized [options, callback] array.
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const p = typeof first === 'number' || typeof first === 'string' ? first : (first as { port?: number } | undefined)?.port;
    if (Number(p) === port) tagged.add(this);
    return orig.connect.apply(this, args);
  };
  proto.write = function (this: Socket, ...args: unknown[]) {
    const st = stateOf(this);
    if (st) {
      // The previous exchange is answered when the generator sends the next request.
      if (st.requestAt !== undefined && st.arrivedAt !== undefined) st.answered = { requestAt: st.requestAt, arrivedAt: st.arrivedAt };
      st.requestAt = process.hrtime.bigint();
      st.arrivedAt = undefined;
    }
    return orig.write.apply(this, args);
  };
  proto.emit = function (this: Socket, ev: unknown, ...args: unknown[]) {
    const st = ev === 'data' ? stateOf(this) : undefined;
    if (!st) return orig.emit.call(this, ev, ...args);
    st.arrivedAt = process.hrtime.bigint();
    const r = orig.emit.call(this, ev, ...args);
    const a = st.answered;
    if (a) {
      const done = process.hrtime.bigint();
      if (st.exchanges > 0) {
        arrived.push(Number(a.arrivedAt - a.requestAt) / 1e6);
        handled.push(Number(done - a.requestAt) / 1e6);
      }
      st.exchanges++;
      st.answered = undefined;
    }
    return r;
  };
  return {
    arrived,
    handled,
    stop() {
      Object.assign(proto, orig);
    },
  };
}
