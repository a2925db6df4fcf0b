// The management operations with TorchServe's rules, status codes and messages, callable without
// HTTP: the REST listener (management-api.ts) routes to them, and a gRPC ManagementAPIsService can
// call the same functions with its request's fields as Params. Each returns the status and body to
// answer, or throws an HttpError (TorchServe's {code, type, message}).
import type { Registry } from '../frontend/registry.js';
import { MlsError } from '../../errors.js';
import { boolParam, checkWorkers, intParam, runtimeParam, type Params } from './management-params.js';
import { describe } from './model-description.js';

export interface Answer {
  status: number;
  body: unknown;
}

const PROCESSING = 'Processing worker updates...';

function locked(reg: Registry): void {
  if (reg.apiLocked) throw new MlsError('MLS_ERR_SERVE_API_LOCKED', { reason: reg.apiLocked });
}

/** TorchServe's "not given" values (RegisterModelRequest's negative defaults) become undefined. */
function given(n: number, unset: number): number | undefined {
  return n === unset ? undefined : n;
}

export async function registerModel(reg: Registry, q: Params): Promise<Answer> {
  locked(reg);
  const url = q.get('url');
  if (url === null) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { paramRequired: { param: 'url' } });
  const runtime = runtimeParam(q);
  if (url === '') throw new MlsError('MLS_ERR_SERVE_NO_SUCH_MODEL', { emptyUrl: {} });
  const batchSize = given(intParam(q, 'batch_size', -1), -1);
  if (batchSize !== undefined && batchSize < 1) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { paramAtLeast: { param: 'batch_size', min: 1, got: batchSize } });
  const maxBatchDelay = given(intParam(q, 'max_batch_delay', -100), -100);
  if (maxBatchDelay !== undefined && maxBatchDelay < 0) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { paramNegative: { param: 'max_batch_delay', got: maxBatchDelay } });
  const responseTimeout = given(intParam(q, 'response_timeout', -1), -1);
  if (responseTimeout !== undefined && responseTimeout < 1) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { paramAtLeast: { param: 'response_timeout', min: 1, unit: ' (seconds)', got: responseTimeout } });
  // 0 (or less) is passed on: no worker starts in 0 s, so the registration fails, as TorchServe's.
  const startupTimeout = given(intParam(q, 'startup_timeout', -1), -1);
  const workers = intParam(q, 'initial_workers', NaN);
  const initialWorkers = Number.isNaN(workers) ? undefined : checkWorkers(Math.max(0, workers), 'initial_workers');
  const synchronous = boolParam(q, 'synchronous', true);
  const entry = await reg.register({
    url,
    modelName: q.get('model_name') || undefined,
    handler: q.get('handler') || undefined,
    runtime,
    batchSize,
    maxBatchDelay,
    responseTimeout,
    startupTimeout,
    initialWorkers,
    configWorkersWin: true,
    wait: synchronous,
  });
  const n = entry.pool.minWorkers;
  const who = `Model "${entry.name}" Version: ${entry.version}`;
  if (entry.pool.kind === 'shared') return { status: 200, body: { status: `${who} registered; shared workers load it on its first request` } };
  if (n <= 0) return { status: 200, body: { status: `${who} registered with 0 initial workers. Use scale workers API to add workers for the model.` } };
  if (!synchronous) return { status: 202, body: { status: PROCESSING } };
  return { status: 200, body: { status: `${who} registered with ${n} initial workers` } };
}

export async function scaleWorkers(reg: Registry, name: string, version: string | undefined, q: Params): Promise<Answer> {
  const min = intParam(q, 'min_worker', 1);
  const max = intParam(q, 'max_worker', min);
  if (max < min) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { workerRange: {} });
  if (min < 0) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { workersNegative: {} });
  checkWorkers(max, 'max_worker');
  const entry = reg.get(name, version ?? (q.get('model_version') || undefined));
  const scaling = entry.pool.scale(min, max);
  reg.onChange();
  if (!boolParam(q, 'synchronous', false)) {
    scaling.catch(() => {}); // failures are logged by the pool and retried with backoff
    return { status: 202, body: { status: PROCESSING } };
  }
  try {
    await scaling;
  } catch {
    throw new MlsError('MLS_ERR_SERVE_WORKERS_FAILED', { failed: { model: name, version: entry.version } });
  }
  return { status: 200, body: { status: `Workers scaled to ${min} for model: ${name}${version ? `, version: ${version}` : ''}` } };
}

export function listModels(reg: Registry, q: Params): Answer {
  let limit = intParam(q, 'limit', 100);
  let token = intParam(q, 'next_page_token', 0);
  if (limit > 100 || limit < 0) limit = 100;
  if (token < 0) token = 0;
  const names = reg.names();
  let last = token + limit;
  const out: Record<string, unknown> = {};
  // As TorchServe: a next page token whenever the page ends at or before the last model.
  if (last > names.length) last = names.length;
  else out.nextPageToken = String(last);
  out.models = names.slice(token, last).map((n) => ({ modelName: n, modelUrl: reg.get(n).archive.url }));
  return { status: 200, body: out };
}

export function describeModel(reg: Registry, name: string, version?: string): Answer {
  const entries = version === 'all' ? reg.allVersions(name) : [reg.get(name, version)];
  return { status: 200, body: entries.map(describe) };
}

export async function unregisterModel(reg: Registry, name: string, version?: string): Promise<Answer> {
  locked(reg);
  await reg.unregister(name, version);
  return { status: 200, body: { status: `Model "${name}" unregistered` } };
}

export function setDefaultVersion(reg: Registry, name: string, version: string): Answer {
  reg.setDefault(name, version);
  return { status: 200, body: { status: `Default version successfully updated for model "${name}" to "${version}"` } };
}
