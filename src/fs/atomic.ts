// Writes that never leave a half-written file: data goes to a temporary file in the same folder,
// is flushed, then renamed over the target (rename is atomic within a file system).
import { open, rename, rm, mkdir } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { toMlsError } from '../errors.js';

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export async function writeFileAtomic(target: string, data: string | Uint8Array, mode?: number): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  try {
    const fh = await open(tmp, 'w', mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw toMlsError(e);
  }
}

/**
 * A write stream to a temporary file; `commit()` renames it over the target, `abort()` removes it.
 * For large outputs (archives) that are produced as streams.
 */
export interface AtomicStream {
  stream: WriteStream;
  tempPath: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export async function createAtomicWriteStream(target: string): Promise<AtomicStream> {
  await mkdir(dirname(target), { recursive: true });
  const tempPath = tempPathFor(target);
  const stream = createWriteStream(tempPath);
  return {
    stream,
    tempPath,
    async commit() {
      await new Promise<void>((resolve, reject) => {
        if (stream.closed) resolve();
        else {
          stream.once('close', () => resolve());
          stream.once('error', reject);
        }
      });
      await rename(tempPath, target);
    },
    async abort() {
      stream.destroy();
      await rm(tempPath, { force: true });
    },
  };
}
