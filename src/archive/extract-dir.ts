// Writes scanned entries into a staging folder. Symbolic links (already checked to stay inside)
// are created only after every file, so no entry can be written through a link; files get plain
// 0644 permissions whatever the archive says (no setuid, no surprises).
import { createWriteStream } from 'node:fs';
import { mkdir, statfs, symlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MlsError } from '../errors.js';
import { formatBytes } from '../units.js';
import { destinationOf } from './safe-path.js';
import { corrupt, type EntryVisitor, type ScannedEntry } from './scan.js';

export interface DirWriter {
  visit: EntryVisitor;
  /** Creates the deferred symbolic links; call after the scan succeeded. */
  finish(): Promise<void>;
  entries: ScannedEntry[];
}

export function dirWriter(root: string, archive: string): DirWriter {
  const links: ScannedEntry[] = [];
  const entries: ScannedEntry[] = [];
  const visit: EntryVisitor = async (entry, open) => {
    entries.push(entry);
    const dest = destinationOf(root, entry.path);
    if (entry.type === 'directory') {
      await mkdir(dest, { recursive: true });
      return;
    }
    if (entry.type === 'symlink') {
      links.push(entry);
      return;
    }
    await mkdir(dirname(dest), { recursive: true });
    if (!open) return;
    await pipeline(await open(), createWriteStream(dest, { mode: 0o644 }));
  };
  const finish = async () => {
    for (const l of links) {
      const dest = destinationOf(root, l.path);
      await mkdir(dirname(dest), { recursive: true });
      try {
        await symlink(l.linkTarget ?? '', dest);
      } catch (e) {
        throw corrupt(archive, new Error(`symbolic link ${l.path} collides with another entry (${(e as Error).message})`));
      }
    }
  };
  return { visit, finish, entries };
}

/** Refuses to start an extraction the file system cannot hold. */
export async function checkFreeSpace(dir: string, bytes: number, archive: string): Promise<void> {
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  if (bytes > free) {
    throw new MlsError('MLS_ERR_DISK_FULL', { extracting: { archive, bytes: formatBytes(bytes), dir, free: formatBytes(free) } }, {
      details: { archive, bytes, free },
    });
  }
}
