// The no-archive format: the files and MAR-INF/MANIFEST.json in `<export-path>/<model-name>/`.
// Built in a hidden sibling folder and renamed into place, so a failure leaves no half folder and
// --force swaps the old folder out only once the new one is complete.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { toMlsError } from '../errors.js';
import type { InputFile } from './inputs.js';
import { MANIFEST_PATH } from './manifest.js';
import { ByteCounter, READ_CHUNK } from './write-archiver.js';
import type { ArchiveProgress } from './types.js';

/** Writes the folder and returns the bytes of the files written. */
export async function writeFolder(
  target: string,
  files: InputFile[],
  manifestText: string,
  replace: boolean,
  onProgress?: (p: ArchiveProgress) => void,
): Promise<number> {
  const totalBytes = files.reduce((s, f) => s + f.size, 0);
  const staging = await mkdtemp(join(dirname(target), `.${basename(target)}.`));
  let bytes = 0;
  try {
    for (const f of files) {
      const dest = join(staging, f.name);
      await mkdir(dirname(dest), { recursive: true });
      const counter = new ByteCounter((n) => {
        bytes += n;
        onProgress?.({ bytes, totalBytes });
      });
      await pipeline(createReadStream(f.source, { highWaterMark: READ_CHUNK }), counter, createWriteStream(dest, { mode: f.mode }));
    }
    await mkdir(join(staging, 'MAR-INF'), { recursive: true });
    await writeFile(join(staging, MANIFEST_PATH), manifestText);
    if (replace) {
      const old = `${staging}.old`;
      await rename(target, old).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      await rename(staging, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, target);
    }
    return bytes + Buffer.byteLength(manifestText);
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw toMlsError(e);
  }
}
