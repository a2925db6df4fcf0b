// Request bodies: JSON, KServe v2 (`{"inputs":[...]}`, sent to /v2/models/{m}/infer), images as
// multipart/form-data (field `data`, what TorchServe's `curl -F data=@img.jpg` sends) and anything
// else as raw bytes. One file for every model (--payload) or one per model (--payload-dir).
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MlsError, toMlsError } from '../errors.js';
import type { PayloadKind } from './types.js';

export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

export interface Payload {
  kind: PayloadKind;
  body: Buffer;
  /** Content-Type header; absent for an empty body. */
  contentType?: string;
  source?: string;
}

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.webp': 'image/webp',
};

export const EMPTY_PAYLOAD: Payload = { kind: 'empty', body: Buffer.alloc(0) };

export async function loadPayload(file: string): Promise<Payload> {
  let bytes: Buffer;
  try {
    const st = await stat(file);
    if (st.size > MAX_PAYLOAD_BYTES) {
      throw new MlsError('MLS_ERR_LOADTEST_PAYLOAD_TOO_LARGE', { file, size: st.size, limit: MAX_PAYLOAD_BYTES }, {
        details: { file },
      });
    }
    bytes = await readFile(file);
  } catch (e) {
    throw toMlsError(e);
  }
  return payloadFromBytes(bytes, file);
}

export function payloadFromBytes(bytes: Buffer, file: string): Payload {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') {
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', { payloadNotJson: { file, reason: (e as Error).message } }, { details: { file } });
    }
    const isV2 = typeof doc === 'object' && doc !== null && Array.isArray((doc as { inputs?: unknown }).inputs);
    return { kind: isV2 ? 'kserve-v2' : 'json', body: bytes, contentType: 'application/json', source: file };
  }
  const image = IMAGE_TYPES[ext];
  if (image) return multipartImage(bytes, basename(file), image, file);
  return { kind: 'binary', body: bytes, contentType: 'application/octet-stream', source: file };
}

function multipartImage(bytes: Buffer, filename: string, type: string, source: string): Payload {
  const boundary = `mlserve-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="${filename.replace(/["\r\n]/g, '_')}"\r\n` +
      `Content-Type: ${type}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { kind: 'multipart', body: Buffer.concat([head, bytes, tail]), contentType: `multipart/form-data; boundary=${boundary}`, source };
}

/** One payload per model from a folder of files named after the models (resnet.json, bert.bin). */
export async function loadPayloadDir(dir: string, models: string[]): Promise<Map<string, Payload>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw toMlsError(e);
  }
  const out = new Map<string, Payload>();
  for (const model of models) {
    const matches = names.filter((n) => n === model || n.slice(0, n.length - extname(n).length) === model);
    if (matches.length !== 1) {
      throw new MlsError('MLS_ERR_LOADTEST_PAYLOAD_MISSING', matches.length === 0 ? { noFile: { dir, model } } : { manyFiles: { dir, model, count: matches.length, files: matches.join(', ') } }, {
        details: { dir, model },
      });
    }
    out.set(model, await loadPayload(join(dir, matches[0]!)));
  }
  return out;
}
