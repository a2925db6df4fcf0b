// The management API's parameters read as TorchServe's frontend reads them (NettyUtils and
// RegisterModelRequest): an integer parameter that does not parse as a Java int falls back to its
// default instead of failing the request; booleans are "true" in any case, anything else false.
// Where TorchServe goes on with a value that then breaks (batch_size=0 hangs the model) or fails
// with an unchecked exception (500), mlserve answers a 400 instead; README lists those cases.
import { MlsError } from '../../errors.js';

/** What the operations read parameters from: URLSearchParams, or a gRPC request's fields. */
export interface Params {
  get(name: string): string | null;
}

const JAVA_INT = /^[+-]?\d{1,10}$/;

/** Integer.parseInt's rule: a decimal int32, else the default. */
export function intParam(q: Params, name: string, dflt: number): number {
  const v = q.get(name);
  if (v === null || !JAVA_INT.test(v)) return dflt;
  const n = Number(v);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : dflt;
}

export function boolParam(q: Params, name: string, dflt: boolean): boolean {
  const v = q.get(name);
  return v === null ? dflt : v.toLowerCase() === 'true';
}

/** One request must not be able to fork thousands of processes (min_worker=99999999 would). */
export const MAX_WORKERS_PER_MODEL = 64;

export function checkWorkers(n: number, name: string): number {
  if (n > MAX_WORKERS_PER_MODEL) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { paramAtMost: { param: name, max: MAX_WORKERS_PER_MODEL, got: n } });
  return n;
}

/** TorchServe's Manifest.RuntimeType values, and mlserve's JavaScript runtime. */
export const RUNTIMES = ['python', 'python2', 'python3', 'LSP', 'mlserve-js'];

export function runtimeParam(q: Params): string | undefined {
  const v = q.get('runtime');
  if (v === null) return undefined;
  if (!RUNTIMES.includes(v)) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { runtime: { value: v } });
  return v;
}

/** Register parameters TorchServe reads as int fields (a JSON body must carry integers there). */
export const INT_REGISTER_PARAMS = new Set(['batch_size', 'max_batch_delay', 'initial_workers', 'response_timeout', 'startup_timeout']);

/**
 * A JSON body's parameters put into `q` (query parameters win). TorchServe parses the body with
 * Gson into RegisterModelRequest: a value Gson cannot read as an int is a 500 there, a 400 here.
 */
export function mergeJsonBody(q: URLSearchParams, body: unknown): void {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { bodyNotObject: {} });
  for (const [k, v] of Object.entries(body)) {
    if (v !== null && typeof v === 'object') throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { paramNotScalar: { param: k } });
    if (INT_REGISTER_PARAMS.has(k) && v !== null && !(typeof v === 'number' ? Number.isInteger(v) : JAVA_INT.test(String(v)))) {
      throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { paramNotInteger: { param: k, got: JSON.stringify(v) } });
    }
    if (!q.has(k) && v !== null && v !== undefined) q.set(k, String(v));
  }
}
