// Token authorization for the management API (TorchServe's token_authorization_api, simplified):
// random keys written to a 0600 key file in TorchServe's layout; requests carry
// `Authorization: Bearer <management key>`. Unlike TorchServe, the inference API stays open here
// (load generators and health checks use it); the management API is what changes the server.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { writeFileAtomic } from '../fs/atomic.js';
import { sendError } from './http/errors.js';
import { MlsError } from '../errors.js';

export interface Keys {
  management: string;
  inference: string;
}

const INVALID = new MlsError('MLS_ERR_SERVE_BAD_TOKEN');

export async function writeKeyFile(path: string): Promise<Keys> {
  const keys: Keys = { management: randomBytes(18).toString('base64url'), inference: randomBytes(18).toString('base64url') };
  const never = 'never'; // keys live as long as the server
  const doc = {
    management: { key: keys.management, 'expiration time': never },
    inference: { key: keys.inference, 'expiration time': never },
    API: { key: randomBytes(18).toString('base64url') },
  };
  await writeFileAtomic(path, `${JSON.stringify(doc, null, 2)}\n`, 0o600);
  return keys;
}

/** Whether an Authorization value (`Bearer <key>`) carries the key: HTTP headers and gRPC metadata. */
export function bearerMatches(h: string | undefined, key: Buffer): boolean {
  if (!h?.startsWith('Bearer ')) return false;
  const given = Buffer.from(h.slice(7).trim());
  return given.length === key.length && timingSafeEqual(given, key);
}

/** Wraps a listener: requests without the key get TorchServe's 400 InvalidKeyException. */
export function requireKey(key: string, next: RequestListener): RequestListener {
  const k = Buffer.from(key);
  return (req, res) => {
    if (!bearerMatches(req.headers.authorization, k)) {
      req.resume();
      return sendError(res, INVALID);
    }
    next(req, res);
  };
}
