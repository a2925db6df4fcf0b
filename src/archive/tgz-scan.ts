// Tgz scanning with tar-stream: a gzip stream has no index, so entries are checked one by one as
// they arrive (safe path, type, declared size, symlink target) before the visitor sees them; an
// extraction in progress is thrown away by the caller when a later entry is refused.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { extract as tarExtract, type Header } from 'tar-stream';
import { MlsError } from '../errors.js';
import type { LimitTracker } from './limits.js';
import { checkSymlinkTarget, safeEntryPath } from './safe-path.js';
import { MeteredStream, corrupt, type EntryVisitor, type ScannedEntry } from './scan.js';

function entryType(header: Header, archive: string): ScannedEntry['type'] {
  switch (header.type) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'directory';
    case 'symlink':
      return 'symlink';
    default:
      throw new MlsError('MLS_ERR_ARCHIVE_UNSUPPORTED_ENTRY', { tarType: { archive, name: header.name, type: header.type } }, {
        details: { archive, entry: header.name, type: header.type },
      });
  }
}

export async function scanTgz(archive: string, tracker: LimitTracker, visit: EntryVisitor): Promise<void> {
  const extract = tarExtract();
  const feeding = pipeline(createReadStream(archive), createGunzip(), extract);
  feeding.catch(() => {}); // surfaced through the iterator below
  try {
    for await (const entry of extract) {
      const header = entry.header;
      const path = safeEntryPath(header.name, archive);
      const type = entryType(header, archive);
      const size = type === 'file' ? (header.size ?? 0) : 0;
      if (path === '') {
        entry.resume();
        continue;
      }
      tracker.addEntry(path, size);
      const scanned: ScannedEntry = { path, type, size };
      if (type === 'symlink') {
        scanned.linkTarget = header.linkname ?? '';
        checkSymlinkTarget(path, scanned.linkTarget, archive);
      }
      let opened = false;
      const open =
        type === 'file'
          ? async (): Promise<Readable> => {
              opened = true;
              return entry.pipe(new MeteredStream(tracker, path));
            }
          : null;
      await visit(scanned, open);
      if (!opened) entry.resume();
    }
    await feeding;
  } catch (e) {
    extract.destroy();
    throw corrupt(archive, e);
  }
}
