// TorchServe's error responses: {"code", "type", "message"}, pretty-printed like its Gson output,
// and the small helpers every listener uses to answer.
import type { IncomingMessage } from 'node:http';
import type { Reply } from './http1-server.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (msg = 'Requested resource is not found, please refer to API document.') =>
  new HttpError(404, 'ResourceNotFoundException', msg);
export const methodNotAllowed = () =>
  new HttpError(405, 'MethodNotAllowedException', 'Requested method is not allowed, please refer to API document.');
/** What a request gets once the server is draining. */
export const SHUTTING_DOWN = new HttpError(503, 'ServiceUnavailableException', 'The server is shutting down.');
export const badRequest = (msg: string) => new HttpError(400, 'BadRequestException', msg);
export const modelNotFound = (name: string) => new HttpError(404, 'ModelNotFoundException', `Model not found: ${name}`);
export const versionNotFound = (name: string, version: string) =>
  new HttpError(404, 'ModelVersionNotFoundException', `Model version: ${version} does not exist for model: ${name}`);

export function errorBody(code: number, type: string, message: string): Buffer {
  return Buffer.from(JSON.stringify({ code, type, message }, null, 2));
}

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
  const err = e instanceof HttpError ? e : new HttpError(500, 'InternalServerException', e instanceof Error ? e.message : String(e));
  res.writeHead(err.status, err.status === 413 ? CLOSE_HEADERS : JSON_HEADERS);
  res.end(errorBody(err.status, err.type, err.message));
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

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'RequestEntityTooLargeException', `The request body is larger than max_request_size (${limit} bytes).`);
}
