// The default (deflated zip) and tgz formats, streamed with archiver into a temporary file that
// is renamed over the target only when complete. Entries are appended one at a time, so one input
// file is open at once and memory stays flat whatever the model's size.
import type { Archiver, ArchiverOptions } from 'archiver';
import { createRequire } from 'node:module';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { toMlsError } from '../errors.js';
import { createAtomicWriteStream } from '../fs/atomic.js';
import type { InputFile } from './inputs.js';
import { MANIFEST_PATH } from './manifest.js';
import type { ArchiveProgress } from './types.js';

/** zlib level 6: what `zip` uses by default and what Python's ZIP_DEFLATED (torch-model-archiver) uses. */
export const DEFLATE_LEVEL = 6;
/** Large reads: fewer chunks through the deflate and CRC streams. */
export const READ_CHUNK = 1024 * 1024;
// archiver 7 exports a factory function; the installed @types/archiver describe v8's classes, so the
// factory is typed here by hand.
const archiver = createRequire(import.meta.url)('archiver') as (format: 'zip' | 'tar', options: ArchiverOptions) => Archiver;
const ZIP64_THRESHOLD = 0xffffffff - 1024 * 1024;

/** Passes bytes through and reports how many went by. */
export class ByteCounter extends Transform {
  constructor(private readonly onBytes: (n: number) => void) {
    super({ highWaterMark: READ_CHUNK });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.onBytes(chunk.length);
    cb(null, chunk);
  }
}

export interface StreamWriteRequest {
  target: string;
  kind: 'zip' | 'tgz';
  files: InputFile[];
  manifestText: string;
  /** Prefix of every entry name (tgz: `<model-name>/`, as torch-model-archiver writes). */
  prefix: string;
  now: Date;
  onProgress?: (p: ArchiveProgress) => void;
}

/** Writes the archive and returns its size in bytes. */
export async function writeWithArchiver(req: StreamWriteRequest): Promise<number> {
  const totalBytes = req.files.reduce((s, f) => s + f.size, 0);
  const archive =
    req.kind === 'tgz'
      ? archiver('tar', { gzip: true, gzipOptions: { level: DEFLATE_LEVEL } })
      : // forceZip64 above 4 GiB so the local headers carry zip64 sizes (Java's ZipInputStream, which
        // TorchServe unzips with, reads the data descriptor's 8-byte sizes only then).
        archiver('zip', { zlib: { level: DEFLATE_LEVEL }, forceZip64: totalBytes >= ZIP64_THRESHOLD });
  const out = await createAtomicWriteStream(req.target);
  let failure: unknown;
  const failed = new Promise<never>((_, reject) => {
    const fail = (e: unknown) => {
      failure ??= e;
      reject(e);
    };
    archive.on('error', fail);
    archive.on('warning', fail);
    out.stream.on('error', fail);
  });
  failed.catch(() => {}); // observed through `failure` and the races below
  archive.pipe(out.stream);
  try {
    let bytes = 0;
    for (const f of req.files) {
      const src = createReadStream(f.source, { highWaterMark: READ_CHUNK });
      const counter = new ByteCounter((n) => {
        bytes += n;
        req.onProgress?.({ bytes, totalBytes });
      });
      src.on('error', (e) => counter.destroy(e));
      counter.on('error', (e) => archive.emit('error', e));
      const done = new Promise<void>((resolve) => archive.once('entry', () => resolve()));
      // `stats` matters: without it archiver's tar plugin buffers the whole file in memory.
      archive.append(src.pipe(counter), { name: req.prefix + f.name, date: f.mtime, mode: f.mode, stats: f.stats });
      await Promise.race([done, failed]);
    }
    // The manifest goes last, as torch-model-archiver writes it.
    archive.append(Buffer.from(req.manifestText, 'utf8'), { name: req.prefix + MANIFEST_PATH, date: req.now, mode: 0o644 });
    await Promise.race([archive.finalize(), failed]);
    await Promise.race([out.commit(), failed]);
    if (failure) throw failure;
    return (await stat(req.target)).size;
  } catch (e) {
    archive.abort();
    await out.abort();
    throw toMlsError(failure ?? e);
  }
}
