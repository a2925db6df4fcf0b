// TorchServe's KServe v1 envelope for binary inputs, done in the frontend: a body
//   {"instances": [{"data": "<base64>"}, {"b64": "<base64>"}, {"image_bytes": {"b64": "<base64>"}}]}
// becomes one queued request per instance whose body is the decoded bytes, exactly what the handler
// gets for a raw image POSTed to /predictions; the answers are gathered into {"predictions": [...]}.
// Being in the frontend, it works the same for JavaScript handlers and Python workers.
import type { ItemResult } from '../ipc/messages.js';
import { MlsError } from '../../errors.js';

/**
 * Handlers that take an instance's "data" string as base64 image bytes (TorchServe's VisionHandler
 * family decodes it). Other handlers get "data" as sent (TorchServe's text handlers read it as
 * text), so only "b64" — base64 by KServe's own convention — is decoded for them. The Python
 * worker may add its vision handlers here.
 */
export const IMAGE_HANDLERS = new Set(['image_classifier', 'object_detector', 'image_segmenter']);

export function decodesDataField(handler: string): boolean {
  return IMAGE_HANDLERS.has(handler);
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function b64Of(instance: unknown, dataIsBase64: boolean): string | undefined {
  if (!instance || typeof instance !== 'object' || Array.isArray(instance)) return undefined;
  const o = instance as Record<string, unknown>;
  if (typeof o.b64 === 'string') return o.b64;
  if (dataIsBase64 && typeof o.data === 'string') return o.data;
  const keys = Object.keys(o);
  const only = keys.length === 1 ? o[keys[0]!] : undefined;
  if (only && typeof only === 'object' && typeof (only as { b64?: unknown }).b64 === 'string') return (only as { b64: string }).b64;
  return undefined;
}

/**
 * The decoded instances of a KServe v1 body of binary instances, or undefined when the body is
 * anything else (tensors in "instances", OIP v2, raw bytes): those go to the handler unchanged.
 */
export function binaryInstances(body: Buffer, handler: string): Buffer[] | undefined {
  const dataIsBase64 = decodesDataField(handler);
  // Cheap test first: tensor bodies on the hot path are not parsed twice.
  if (!body.includes('"instances"') || !(body.includes('"b64"') || (dataIsBase64 && body.includes('"data"')))) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined; // the handler answers malformed JSON as it always does
  }
  const instances = (value as { instances?: unknown } | null)?.instances;
  if (!Array.isArray(instances) || instances.length === 0) return undefined;
  const texts = instances.map((i) => b64Of(i, dataIsBase64));
  if (texts.some((t) => t === undefined)) return undefined;
  return texts.map((t, k) => {
    const s = t!.replace(/\s+/g, '');
    if (!BASE64.test(s)) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { notBase64: { index: k } });
    return Buffer.from(s, 'base64');
  });
}

/** One instance's answer as an element of "predictions": parsed JSON, else text. */
function prediction(r: ItemResult): unknown {
  const text = r.body.toString('utf8');
  if (r.contentType.startsWith('application/json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * Collects the answers of `n` instances; calls `done` once with {"predictions": [...]} in instance
 * order, or with the first failed instance's answer (the request fails as a whole, as TorchServe's
 * envelope fails the batch).
 */
export function gather(n: number, done: (r: ItemResult) => void): { answer(k: number): (r: ItemResult) => void; abort(): void } {
  const results: ItemResult[] = new Array<ItemResult>(n);
  let left = n;
  let failed = false;
  return {
    answer: (k) => (r) => {
      if (failed) return;
      if (r.status >= 400) {
        failed = true;
        return done(r);
      }
      results[k] = r;
      if (--left > 0) return;
      const body = Buffer.from(JSON.stringify({ predictions: results.map(prediction) }));
      done({ status: 200, contentType: 'application/json', body });
    },
    /** The request was answered otherwise (the queue refused an instance): later answers are dropped. */
    abort: () => {
      failed = true;
    },
  };
}
