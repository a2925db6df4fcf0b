// A no-archive folder (or an extracted .mar) is read in place: listed with lstat, never following
// symbolic links, and refused if a link leads outside the folder, since serving it would read
// whatever the link points at.
import { lstat, readdir, readlink, realpath } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { MlsError } from '../errors.js';
import type { LimitTracker } from './limits.js';
import type { ArchiveEntry } from './types.js';

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root + sep);
}

async function checkLink(root: string, realRoot: string, abs: string, archive: string): Promise<void> {
  const target = await readlink(abs);
  const textual = resolve(dirname(abs), target);
  let real: string | undefined;
  try {
    real = await realpath(abs);
  } catch {
    real = undefined; // dangling: judged by its text alone
  }
  if (!inside(root, textual) && !(real && inside(realRoot, real))) {
    const rel = relative(root, abs).split(sep).join('/');
    throw new MlsError('MLS_ERR_ARCHIVE_SYMLINK_ESCAPE', { outsideFolder: { archive, rel, target } }, {
      details: { archive, entry: rel, target },
    });
  }
  if (real && !inside(realRoot, real)) {
    const rel = relative(root, abs).split(sep).join('/');
    throw new MlsError('MLS_ERR_ARCHIVE_SYMLINK_ESCAPE', { resolvesOutsideFolder: { archive, rel, real } }, {
      details: { archive, entry: rel, target },
    });
  }
}

export async function scanFolder(root: string, archive: string, tracker: LimitTracker): Promise<ArchiveEntry[]> {
  const realRoot = await realpath(root);
  const entries: ArchiveEntry[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const abs = join(dir, name);
      const rel = prefix ? `${prefix}/${name}` : name;
      const st = await lstat(abs);
      tracker.addEntry(rel, 0);
      if (st.isSymbolicLink()) {
        await checkLink(root, realRoot, abs, archive);
        entries.push({ path: rel, size: 0, type: 'symlink' });
      } else if (st.isDirectory()) {
        entries.push({ path: rel, size: 0, type: 'directory' });
        await walk(abs, rel);
      } else if (st.isFile()) {
        entries.push({ path: rel, size: st.size, type: 'file' });
      } else {
        throw new MlsError('MLS_ERR_ARCHIVE_UNSUPPORTED_ENTRY', { specialFile: { archive, rel } }, { details: { archive, entry: rel } });
      }
    }
  };
  await walk(root, '');
  return entries;
}
