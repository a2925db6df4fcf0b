// multipart/form-data bodies (TorchServe accepts them on /predictions): every form field becomes a
// part the handler sees by name; files keep their content type. Bounded like raw bodies.
import busboy from 'busboy';
import type { RequestPart } from '../ipc/messages.js';
import { MlsError } from '../../errors.js';

const MAX_PARTS = 64;

/** Parses a multipart body (already read and bounded by the transport) into parts. */
export function readMultipart(headers: Record<string, string | undefined>, body: Buffer, limit: number): Promise<RequestPart[]> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: headers as Record<string, string>, limits: { fileSize: limit, fieldSize: limit, parts: MAX_PARTS } });
    } catch (e) {
      return reject(new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { multipart: { reason: (e as Error).message } }));
    }
    const parts: RequestPart[] = [];
    let total = 0;
    let failed = false;
    const fail = (e: MlsError) => {
      if (failed) return;
      failed = true;
      reject(e);
    };
    const add = (part: RequestPart) => {
      total += part.body.length;
      if (total > limit) fail(new MlsError('MLS_ERR_SERVE_REQUEST_TOO_LARGE', { body: { limit } }));
      else parts.push(part);
    };
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => fail(new MlsError('MLS_ERR_SERVE_REQUEST_TOO_LARGE', { field: { field: name, limit } })));
      stream.on('close', () => add({ name, contentType: info.mimeType || 'application/octet-stream', body: Buffer.concat(chunks) }));
    });
    bb.on('field', (name, value) => add({ name, contentType: 'text/plain', body: Buffer.from(value) }));
    bb.on('partsLimit', () => fail(new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { tooManyParts: { max: MAX_PARTS } })));
    bb.on('error', (e: Error) => fail(new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { multipart: { reason: e.message } })));
    bb.on('close', () => {
      if (failed) return;
      if (parts.length === 0) reject(new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { noParts: {} }));
      else resolve(parts);
    });
    bb.end(body);
  });
}
