// Registration from a URL (TorchServe's `allowed_urls`): off unless the URL matches one of the
// configured patterns. The archive is downloaded into the model store and registered from there by
// file name. Guards against TorchServe's advisories: `..` anywhere in the URL, raw or
// percent-encoded, is refused (CVE-2024-35198 bypassed the pattern that way); every redirect target
// must match a pattern too (no SSRF through a redirect); the size is capped while downloading; the
// file appears in the store only once complete (atomic rename), and never replaces one.
import type { UrlRefusal } from '../errors/serve.js';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MlsError } from '../errors.js';
import { createAtomicWriteStream } from '../fs/atomic.js';

export interface UrlFetchOptions {
  modelStore: string;
  /** Regular expressions a URL must match entirely (TorchServe's allowed_urls); empty: URLs are refused. */
  allowedUrls: RegExp[];
  maxBytes: number;
  timeoutMs?: number;
}

const ARCHIVE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*\.(mar|tar\.gz|tgz|zip)$/;
const MAX_REDIRECTS = 5;

export function isUrl(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s);
}

/** Parses `allowed_urls` (comma-separated regular expressions, as in TorchServe's config.properties). */
export function parseAllowedUrls(value: string, where: string): RegExp[] {
  return value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      try {
        return new RegExp(`^(?:${p})$`);
      } catch (e) {
        throw new MlsError('MLS_ERR_SERVE_CONFIG', { allowedUrlsRegex: { where, p, reason: (e as Error).message } });
      }
    });
}

function checkAllowed(url: string, o: UrlFetchOptions): URL {
  const refuse = (why: UrlRefusal) => new MlsError('MLS_ERR_SERVE_URL_NOT_ALLOWED', { url, why });
  if (o.allowedUrls.length === 0) throw refuse('off');
  let decoded = url;
  try {
    for (let i = 0; i < 3 && decoded.includes('%'); i++) decoded = decodeURIComponent(decoded);
  } catch {
    throw refuse('percentEncoding');
  }
  if (decoded.includes('..') || decoded.includes('\\')) throw refuse('dotDot');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw refuse('notUrl');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw refuse('notHttp');
  if (u.username || u.password) throw refuse('credentials');
  if (!o.allowedUrls.some((re) => re.test(url))) throw refuse('notAllowed');
  return u;
}

/** Downloads the archive at `url` into the model store; resolves with its file name there. */
export async function fetchArchive(url: string, o: UrlFetchOptions): Promise<string> {
  let current = url;
  let u = checkAllowed(current, o);
  const name = decodeURIComponent(u.pathname.split('/').pop() ?? '');
  if (!ARCHIVE_NAME.test(name)) throw new MlsError('MLS_ERR_SERVE_INVALID_ARCHIVE', { urlName: { url, name } });
  const target = join(o.modelStore, name);
  if (await stat(target).catch(() => null)) {
    // TorchServe's answer (500 InternalServerException, FileAlreadyExistsException in its ApiUtils).
    throw new MlsError('MLS_ERR_SERVE_ARCHIVE_EXISTS', { name }, { details: { url } });
  }
  const signal = AbortSignal.timeout(o.timeoutMs ?? 120_000);
  let res: Response;
  for (let hops = 0; ; hops++) {
    res = await fetch(u, { redirect: 'manual', signal }).catch((e: unknown) => {
      throw new MlsError('MLS_ERR_SERVE_DOWNLOAD_FAILED', { failed: { url, reason: (e as Error).message } });
    });
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) break;
    await res.body?.cancel();
    if (hops >= MAX_REDIRECTS) throw new MlsError('MLS_ERR_SERVE_DOWNLOAD_FAILED', { redirects: { url, max: MAX_REDIRECTS } });
    current = new URL(location, u).href;
    u = checkAllowed(current, o); // a redirect must not lead anywhere the patterns do not allow
  }
  if (res.status !== 200 || !res.body) {
    await res.body?.cancel();
    throw new MlsError('MLS_ERR_SERVE_DOWNLOAD_FAILED', { status: { url, status: res.status } });
  }
  const tooBig = () => new MlsError('MLS_ERR_SERVE_DOWNLOAD_FAILED', { tooLarge: { url, maxBytes: o.maxBytes } });
  if (Number(res.headers.get('content-length') ?? 0) > o.maxBytes) {
    await res.body.cancel();
    throw tooBig();
  }
  const out = await createAtomicWriteStream(target);
  let size = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > o.maxBytes) throw tooBig();
      if (!out.stream.write(chunk)) await new Promise<void>((r) => out.stream.once('drain', () => r()));
    }
    out.stream.end();
    await out.commit();
  } catch (e) {
    await out.abort();
    if (e instanceof MlsError) throw e;
    throw new MlsError('MLS_ERR_SERVE_DOWNLOAD_FAILED', { failed: { url, reason: (e as Error).message } });
  }
  return name;
}
