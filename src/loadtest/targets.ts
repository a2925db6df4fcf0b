// What to load: models and their endpoints, from deployment.yaml (servers[].models[].{name,url},
// servers[].inference) or from a base URL plus --models; each becomes an HTTP request template.
import { readDeployment } from '../formats/deployment.js';
import { MlsError } from '../errors.js';
import type { Payload } from './payloads.js';
import type { ModelRequest } from './types.js';

export interface Endpoint {
  model: string;
  /** Base URL of the server's inference API. */
  inference: string;
  /** TorchServe-style prediction URL. */
  predictUrl: string;
}

export function parseBaseUrl(text: string, what = '--url'): URL {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new MlsError('MLS_ERR_LOADTEST_BAD_URL', { notUrl: { what, text } });
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.search || u.hash || u.username) {
    throw new MlsError('MLS_ERR_LOADTEST_BAD_URL', { notPlainHttp: { what, text } });
  }
  return u;
}

const trimSlash = (s: string): string => s.replace(/\/+$/, '');

export async function endpointsFromUrl(base: string, requested: string[]): Promise<Endpoint[]> {
  const u = parseBaseUrl(base);
  if (requested.length === 0) {
    throw new MlsError('MLS_ERR_LOADTEST_NO_MODELS', { urlNeedsModels: { base } });
  }
  const root = trimSlash(u.href);
  const models = requested.includes('all') ? await listServerModels(root) : requested;
  return models.map((m) => ({ model: m, inference: root, predictUrl: `${root}/predictions/${encodeURIComponent(m)}` }));
}

export async function endpointsFromDeployment(file: string, models: string[]): Promise<Endpoint[]> {
  const d = await readDeployment(file);
  const all: Endpoint[] = d.servers.flatMap((s) =>
    s.models.map((m) => ({ model: m.name, inference: trimSlash(s.inference), predictUrl: m.url })),
  );
  if (all.length === 0) throw new MlsError('MLS_ERR_LOADTEST_NO_MODELS', { deploymentEmpty: { file } });
  if (models.length === 0 || models.includes('all')) return all;
  return models.map((name) => {
    const e = all.find((x) => x.model === name);
    if (!e) {
      throw new MlsError('MLS_ERR_LOADTEST_UNKNOWN_MODEL', { name, file }, {
        details: { model: name, known: all.map((x) => x.model) },
      });
    }
    return e;
  });
}

/** Builds the request for one model: KServe v2 bodies go to /v2/models/{m}/infer, the rest to the prediction URL. */
export function modelRequest(e: Endpoint, p: Payload): ModelRequest {
  const target = p.kind === 'kserve-v2' ? new URL(`${e.inference}/v2/models/${encodeURIComponent(e.model)}/infer`) : parseBaseUrl(e.predictUrl, `model ${e.model} url`);
  const headers: Record<string, string> = {};
  if (p.contentType) headers['content-type'] = p.contentType;
  // autocannon sends no Content-Length for an empty body; say it so the server does not wait for one.
  if (p.body.length === 0) headers['content-length'] = '0';
  return {
    model: e.model,
    origin: target.origin,
    method: 'POST',
    path: `${target.pathname}`,
    headers,
    body: p.body,
    kind: p.kind,
  };
}

/** `--models all` with `--url`: the server's model list (KServe v1 `GET /v1/models` on the inference port). */
async function listServerModels(root: string): Promise<string[]> {
  const url = `${root}/v1/models`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    const why = String((e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message);
    throw new MlsError('MLS_ERR_LOADTEST_UNREACHABLE', { cannotList: { url, why } }, { details: { url } });
  }
  const doc = (await res.json().catch(() => undefined)) as { models?: unknown } | undefined;
  const models = doc?.models;
  if (!res.ok || !Array.isArray(models) || !models.every((m) => typeof m === 'string')) {
    throw new MlsError('MLS_ERR_LOADTEST_NO_MODELS', { noModelList: { url, status: res.status } }, { details: { url } });
  }
  if (models.length === 0) throw new MlsError('MLS_ERR_LOADTEST_NO_MODELS', { serverEmpty: { root } }, { details: { url } });
  return models as string[];
}
