// Local node:http servers with known behaviour for the load test tests: a chosen delay per request
// (fixed or a deterministic mixture), failing or hanging a known share, or a fixed number of service
// slots (a server of known capacity). Each records its own server-side truth.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { modelRequest } from '../../src/loadtest/targets.js';
import { EMPTY_PAYLOAD } from '../../src/loadtest/payloads.js';
import type { LoadtestOptions } from '../../src/loadtest/types.js';

export interface Behaviour {
  /** Delay before answering request number i (1-based, in arrival order). */
  delayMs?: (i: number) => number;
  /** Status of request i; 0 = never answer (the client must time out). */
  status?: (i: number) => number;
  /** Requests served at once; others wait in a FIFO queue (a server of known capacity). */
  slots?: number;
  /** Models listed by GET /v1/models (for --models all with --url). */
  models?: string[];
}

export interface TestServer {
  url: string;
  /**
   * Server-side latency of each answered request (arrival to response handed to the socket), ms;
   * the first request on each connection is left out, as the load generator leaves it out.
   */
  served: number[];
  /** Models seen, from /predictions/{m} or /v2/models/{m}/infer. */
  byModel: Map<string, number>;
  statuses: Map<number, number>;
  /** Requests by path prefix and Content-Type, e.g. "/v2 application/json". */
  kinds: Map<string, number>;
  requests: number;
  close(): Promise<void>;
}

/** A serializable behaviour, for servers run in a child process. */
export interface BehaviourSpec {
  /** Fixed delay, or a repeating pattern of delays (request i gets pattern[(i-1) % length]). */
  delayMs?: number | number[];
  /** Every Nth request answers `failStatus` (0 = hangs). */
  failEvery?: number;
  failStatus?: number;
  slots?: number;
  models?: string[];
}

export function behaviourFromSpec(spec: BehaviourSpec): Behaviour {
  const b: Behaviour = {};
  const d = spec.delayMs;
  if (typeof d === 'number') b.delayMs = () => d;
  else if (Array.isArray(d)) b.delayMs = (i) => d[(i - 1) % d.length]!;
  if (spec.failEvery) {
    const every = spec.failEvery;
    const st = spec.failStatus ?? 500;
    b.status = (i) => (i % every === 0 ? st : 200);
  }
  if (spec.slots) b.slots = spec.slots;
  if (spec.models) b.models = spec.models;
  return b;
}

export async function startTestServer(b: Behaviour = {}, statsEndpoint = false): Promise<TestServer> {
  let count = 0;
  let busy = 0;
  const seenSockets = new WeakSet<object>();
  const queue: Array<() => void> = [];
  const state: Omit<TestServer, 'url' | 'close'> = { served: [], byModel: new Map(), statuses: new Map(), kinds: new Map(), requests: 0 };
  const release = (): void => {
    busy--;
    const next = queue.shift();
    if (next) next();
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const t0 = process.hrtime.bigint();
    if (statsEndpoint && req.url === '/__stats') {
      const { served, statuses, requests } = state;
      res.end(JSON.stringify({ served, statuses: Object.fromEntries(statuses), requests, byModel: Object.fromEntries(state.byModel), kinds: Object.fromEntries(state.kinds) }));
      return;
    }
    // Metadata a load test reads before it starts (not part of the measured traffic): every model
    // has one FP32 input with a free batch dimension, as an ONNX model served by mlserve would.
    const meta = req.method === 'GET' ? /^\/v2\/models\/([^/]+)$/.exec(req.url ?? '') : null;
    if (meta || (req.method === 'GET' && req.url === '/v1/models')) {
      res.setHeader('content-type', 'application/json');
      const name = meta ? decodeURIComponent(meta[1]!) : '';
      res.end(JSON.stringify(meta ? { name, inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }], outputs: [] } : { models: b.models ?? [] }));
      return;
    }
    const i = ++count;
    state.requests = count;
    const firstOnConnection = !seenSockets.has(req.socket);
    seenSockets.add(req.socket);
    const m = /^\/(?:predictions|v2\/models)\/([^/]+)/.exec(req.url ?? '');
    if (m) state.byModel.set(decodeURIComponent(m[1]!), (state.byModel.get(decodeURIComponent(m[1]!)) ?? 0) + 1);
    const kind = `${(req.url ?? '').split('/')[1]} ${(req.headers['content-type'] ?? 'none').split(';')[0]}`;
    state.kinds.set(kind, (state.kinds.get(kind) ?? 0) + 1);
    req.resume();
    const status = b.status ? b.status(i) : 200;
    const answer = (): void => {
      if (status === 0) return; // hang: never answer
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}', () => {
        if (!firstOnConnection) state.served.push(Number(process.hrtime.bigint() - t0) / 1e6);
        state.statuses.set(status, (state.statuses.get(status) ?? 0) + 1);
      });
    };
    const run = (): void => {
      busy++;
      const d = b.delayMs ? b.delayMs(i) : 0;
      const done = (): void => {
        answer();
        release();
      };
      if (d > 0) setTimeout(done, d);
      else done();
    };
    if (b.slots && busy >= b.slots) queue.push(run);
    else run();
  };
  const server: Server = createServer({ keepAlive: true }, handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/**
 * Timing tests on a machine shared with many busy processes (2 cores, load average up to 10 while
 * they ran) see the generator or the server wait 10-100 ms to be scheduled, which is the machine's
 * noise, not a measurement error. Raising the priority of the test process and its servers (they
 * are idle most of the time, so this takes little from anyone) removes most of that wait. Without
 * the privilege to do so (not root), it is left as is.
 */
export function preferThisProcess(): void {
  try {
    setPriority(-10);
  } catch {
    // EACCES without root: run at normal priority.
  }
}

/** Nearest-rank percentile of unsorted values (the test's own truth). */
export function truePercentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil((p * s.length) / 100 - 1e-9))) - 1]!;
}

export interface ChildServer {
  url: string;
  stats(): Promise<{ served: number[]; statuses: Record<string, number>; requests: number; byModel: Record<string, number>; kinds: Record<string, number> }>;
  close(): Promise<void>;
}

/** Starts a test server in a child process (see server-child.ts). */
export async function startChildServer(spec: BehaviourSpec): Promise<ChildServer> {
  const script = fileURLToPath(new URL(`./server-child.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, script, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('test server did not start in 20s')), 20_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const line = buf.split('\n')[0];
      if (buf.includes('\n') && line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    child.once('exit', (code) => reject(new Error(`test server exited with ${code}`)));
  });
  return {
    url,
    stats: async () => (await (await fetch(`${url}/__stats`)).json()) as Awaited<ReturnType<ChildServer['stats']>>,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Sweep options over models a and b of one server (the sweep tests change what they need). */
export function sweepOptions(url: string, o: Partial<LoadtestOptions>): LoadtestOptions {
  return {
    mode: 'sweep',
    targets: ['a', 'b'].map((m) => modelRequest({ model: m, inference: url, predictUrl: `${url}/predictions/${m}` }, EMPTY_PAYLOAD)),
    concurrency: [1, 2, 4, 8, 16, 32],
    durationMs: 800,
    warmupMs: 0,
    timeoutMs: 10_000,
    plateauSteps: 2,
    minGain: 0.05,
    seed: 1,
    ...o,
  };
}
