// What the zip and tgz scanners hand to readers: each entry, already checked (safe path, inner
// symlink target, limits), with its content opened only on request and metered as it is read.
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { MlsError, toMlsError } from '../errors.js';
import type { LimitTracker } from './limits.js';

export interface ScannedEntry {
  /** Checked relative posix path, as stored (a tgz `<model-name>/` prefix included). */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  /** Declared uncompressed size. */
  size: number;
  linkTarget?: string;
  /** Zip entries: stored rather than deflated. */
  stored?: boolean;
}

/** Called per entry; `open` gives the file's bytes (call it at most once, and consume the stream). */
export type EntryVisitor = (entry: ScannedEntry, open: (() => Promise<Readable>) | null) => Promise<void>;

/** Counts bytes actually produced against the limits: a zip entry's declared size can be a lie. */
export class MeteredStream extends Transform {
  private seen = 0;

  constructor(
    private readonly tracker: LimitTracker,
    private readonly entryPath: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    try {
      this.tracker.addWritten(this.entryPath, this.seen, chunk.length);
    } catch (e) {
      cb(e as Error);
      return;
    }
    cb(null, chunk);
  }
}

/** Reads a small entry (manifest, symlink target) into memory, refusing more than `max` bytes. */
export async function readSmall(stream: Readable, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > max) {
      stream.destroy();
      throw new MlsError('MLS_ERR_ARCHIVE_BAD_MANIFEST', { tooLarge: { what, max } });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Turns library errors (bad zip, bad gzip, truncated tar) into the corrupt-archive code. */
export function corrupt(archive: string, e: unknown): MlsError {
  if (e instanceof MlsError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOSPC' || err?.code === 'EACCES' || err?.code === 'EPERM' || err?.code === 'ENOENT') {
    // Not the archive's fault: the caller's file system; keep the common codes.
    return toMlsError(e);
  }
  return new MlsError('MLS_ERR_ARCHIVE_CORRUPT', { archive, reason: (e as Error)?.message ?? String(e) }, { cause: e, details: { archive } });
}
