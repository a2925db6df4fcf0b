/* global fetch, AbortSignal */
// Init container of a server pod (deploy --archive-url BASE): downloads the server's model
// archives into the model store before `mlserve serve` starts. MLSERVE_FETCH is a JSON list of
// { "url": ..., "file": ... }. Bounded: a timeout per archive and a size cap; a partial download
// never keeps its final name.
import { createWriteStream } from 'node:fs';
import { rename, rm, mkdir } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join, basename } from 'node:path';

const store = process.env.MLSERVE_MODEL_STORE || '/home/mlserve/model-store';
const maxBytes = Number(process.env.MLSERVE_FETCH_MAX_BYTES || 8 * 1024 ** 3);
const timeoutMs = Number(process.env.MLSERVE_FETCH_TIMEOUT_MS || 15 * 60 * 1000);
const items = JSON.parse(process.env.MLSERVE_FETCH || '[]');
await mkdir(store, { recursive: true });
for (const { url, file } of items) {
  const target = join(store, basename(file));
  const tmp = `${target}.part`;
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok || !res.body) throw new Error(`${url}: HTTP ${res.status}`);
  let seen = 0;
  const cap = new Transform({
    transform(chunk, _enc, cb) {
      seen += chunk.length;
      cb(seen > maxBytes ? new Error(`${url}: larger than ${maxBytes} bytes`) : null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(res.body), cap, createWriteStream(tmp));
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  console.log(`fetched ${url} -> ${target} (${seen} bytes)`);
}
