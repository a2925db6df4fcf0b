// How every listener answers: JSON results, and errors rendered from the catalog (an MlsError) in
// TorchServe's {"code", "type", "message"} (src/errors/render.ts), and bounded body reads.
import type { IncomingMessage } from 'node:http';
import type { Reply } from './http1-server.js';
import { MlsError } from '../../errors.js';
import { serverError, torchServeBody } from '../../errors/render.js';

export const notFound = (): MlsError => new MlsError('MLS_ERR_SERVE_NO_ROUTE');
export const methodNotAllowed = (): MlsError => new MlsError('MLS_ERR_SERVE_METHOD_NOT_ALLOWED');
/** What a request gets once the server is draining. */
export const SHUTTING_DOWN = new MlsError('MLS_ERR_SERVE_SHUTTING_DOWN');
export const modelNotFound = (model: string): MlsError => new MlsError('MLS_ERR_SERVE_NO_SUCH_MODEL', { torchserve: { model } });
export const versionNotFound = (model: string, version: string): MlsError => new MlsError('MLS_ERR_SERVE_NO_SUCH_VERSION', { model, version });

const JSON_HEADERS = { 'content-type': 'application/json' };
/** Sent with answers given before the body was read (413): the connection cannot be reused. */
const CLOSE_HEADERS = { ...JSON_HEADERS, connection: 'close' };

export function sendJson(res: Reply, status: number, value: unknown): void {
  res.writeHead(status, JSON_HEADERS);
  res.end(JSON.stringify(value, null, 2));
}

export function sendError(res: Reply, e: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const err = serverError(e);
  res.writeHead(err.httpStatus, err.httpStatus === 413 ? CLOSE_HEADERS : JSON_HEADERS);
  res.end(torchServeBody(err));
}

/** Reads a request body up to `limit` bytes; a bigger one is refused with 413 without reading it all. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => collectBody(req, limit, (e, body) => (e ? reject(e) : resolve(body!))));
}

/** readBody with a callback: the prediction path saves a promise and a microtask per request with it. */
export function collectBody(req: IncomingMessage, limit: number, done: (e: Error | undefined, body?: Buffer) => void): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return done(tooLarge(limit));
  let chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const settle = (e: Error | undefined, body?: Buffer): void => {
    if (settled) return;
    settled = true;
    done(e, body);
  };
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > limit) {
      // Answered with 413 and `connection: close` while the rest is read and dropped (bounded by
      // the request timeout): destroying the socket here would lose the answer.
      settle(tooLarge(limit));
      chunks = [];
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => settle(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
  req.on('error', (e) => settle(e));
}

function tooLarge(limit: number): MlsError {
  return new MlsError('MLS_ERR_SERVE_REQUEST_TOO_LARGE', { body: { limit } });
}
