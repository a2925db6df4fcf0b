// A typed seam over autocannon 9 (it ships no types): one closed-loop run against one origin with
// pipelining 1, reporting every response with its sub-millisecond latency and the model it was for.
// Latency comes from the per-response event (hrtime from write to parsed response), never from
// autocannon's histogram, which rounds to whole milliseconds and has no p95.
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';

const require = createRequire(import.meta.url);

interface AcRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Our tag: which model this request is for (autocannon keeps unknown keys when it clones). */
  mlsModel: string;
}

interface AcClient extends EventEmitter {
  requestIterator: { currentRequest: AcRequest; currentRequestIndex: number; requests: AcRequest[] };
  setRequests(reqs: AcRequest[]): void;
}

interface AcInstance extends EventEmitter {
  stop(): void;
}

type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: unknown) => void) => AcInstance;

const autocannon = require('autocannon') as Autocannon;

export interface EngineRequest {
  model: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface EngineSink {
  /**
   * `steady` is false for the first exchange on a new connection: its time includes the TCP (and
   * TLS) handshake, which is connection setup, not request latency, so it is kept out of percentiles.
   */
  response(model: string, status: number, latencyMs: number, steady: boolean): void;
  timeout(model: string): void;
  connectionError(): void;
}

export interface EngineRun {
  origin: string;
  connections: number;
  durationMs: number;
  timeoutMs: number;
  /** Requests cycled in order by every connection; connection i starts at entry i (mod length). */
  requests: EngineRequest[];
}

/** Runs one autocannon instance to completion; resolves when it has stopped. */
export function runEngine(run: EngineRun, sink: EngineSink, signal?: AbortSignal): Promise<void> {
  // One request object per distinct request, shared by every connection: autocannon deep-copies the
  // requests in its options for each connection and keeps a built buffer on each request object,
  // so passing them there would hold models × connections copies of every body (gigabytes for
  // images at high concurrency, more in random mode's long sequence). Connections get the shared
  // objects through setRequests instead, and the options carry a placeholder that is never sent.
  const shared = new Map<EngineRequest, AcRequest>();
  const requests: AcRequest[] = run.requests.map((r) => {
    let ac = shared.get(r);
    if (!ac) shared.set(r, (ac = { method: r.method, path: r.path, headers: { ...r.headers }, body: r.body, mlsModel: r.model }));
    return ac;
  });
  let clientIndex = 0;
  // Connections whose next response still includes connecting (new, or reconnected after a timeout or error).
  const connecting = new WeakSet<AcClient>();
  const setupClient = (client: AcClient): void => {
    connecting.add(client);
    // Spread connections over the models instead of having all of them start on the first one.
    // setupClient runs in autocannon's Client constructor, before it connects and sends anything.
    const shift = clientIndex++ % requests.length;
    client.setRequests(shift > 0 ? [...requests.slice(shift), ...requests.slice(0, shift)] : requests);
    client.on('timeout', () => {
      // autocannon has already moved on to the next request when it reports the timeout.
      const it = client.requestIterator;
      const idx = (it.currentRequestIndex - 1 + it.requests.length) % it.requests.length;
      sink.timeout(it.requests[idx]!.mlsModel);
      connecting.add(client);
    });
    client.on('connError', () => {
      sink.connectionError();
      connecting.add(client);
    });
  };
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: run.origin,
        connections: run.connections,
        pipelining: 1,
        duration: run.durationMs / 1000,
        // autocannon takes whole seconds and refuses less than one.
        timeout: Math.max(1, Math.ceil(run.timeoutMs / 1000)),
        requests: [{ method: 'GET', path: '/', headers: {}, body: Buffer.alloc(0), mlsModel: '' }],
        setupClient,
      },
      (err) => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      },
    );
    const onAbort = (): void => instance.stop();
    signal?.addEventListener('abort', onAbort, { once: true });
    instance.on('response', (client: AcClient, status: number, _bytes: number, ms: number) => {
      // Pipelining is 1, so the request still current on this connection is the one answered.
      const steady = !connecting.delete(client);
      sink.response(client.requestIterator.currentRequest.mlsModel, status, ms, steady);
    });
  });
}
