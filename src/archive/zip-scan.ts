// Zip (.mar) scanning with yauzl. The whole central directory is checked first — entry count,
// every name, declared sizes, symlink targets — so a hostile archive is refused before one byte is
// written. Names are decoded here (decodeStrings: false) so each refusal keeps its own code.
import yauzl from 'yauzl';
import type { Readable } from 'node:stream';
import { MlsError } from '../errors.js';
import type { LimitTracker } from './limits.js';
import { checkSymlinkTarget, safeEntryPath } from './safe-path.js';
import { MeteredStream, corrupt, readSmall, type EntryVisitor, type ScannedEntry } from './scan.js';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const MADE_BY_UNIX = 3;
const MAX_LINK_BYTES = 4096;

function entryType(e: yauzl.Entry, name: string, archive: string): ScannedEntry['type'] {
  const unixMode = e.versionMadeBy >> 8 === MADE_BY_UNIX ? (e.externalFileAttributes >>> 16) & S_IFMT : 0;
  if (unixMode === S_IFLNK) return 'symlink';
  if (name.endsWith('/') || unixMode === S_IFDIR) return 'directory';
  if (unixMode !== 0 && unixMode !== S_IFREG) {
    throw new MlsError('MLS_ERR_ARCHIVE_UNSUPPORTED_ENTRY', { specialEntry: { archive, name } }, { details: { archive, entry: name } });
  }
  return 'file';
}

export async function scanZip(archive: string, tracker: LimitTracker, visit: EntryVisitor): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(archive, { decodeStrings: false, validateEntrySizes: true, autoClose: false });
  } catch (e) {
    throw corrupt(archive, e);
  }
  try {
    tracker.checkEntryCount(zip.entryCount);
    const listed: Array<{ scanned: ScannedEntry; raw: yauzl.Entry }> = [];
    for await (const raw of zip.eachEntry()) {
      const name = yauzl.getFileNameLowLevel(raw.generalPurposeBitFlag, raw.fileNameRaw, raw.extraFields, false);
      const path = safeEntryPath(name, archive);
      const type = entryType(raw, name, archive);
      if (raw.isEncrypted()) {
        throw new MlsError('MLS_ERR_ARCHIVE_UNSUPPORTED_ENTRY', { encrypted: { archive, name } }, { details: { archive, entry: name } });
      }
      if (path === '') continue;
      tracker.addEntry(path, type === 'file' ? raw.uncompressedSize : 0);
      listed.push({ scanned: { path, type, size: raw.uncompressedSize, stored: raw.compressionMethod === 0 }, raw });
    }
    for (const { scanned, raw } of listed) {
      if (scanned.type !== 'symlink') continue;
      if (raw.uncompressedSize > MAX_LINK_BYTES) throw corrupt(archive, new Error(`symbolic link ${scanned.path} has a ${raw.uncompressedSize}-byte target`));
      scanned.linkTarget = (await readSmall(await zip.openReadStreamPromise(raw), MAX_LINK_BYTES, scanned.path)).toString('utf8');
      checkSymlinkTarget(scanned.path, scanned.linkTarget, archive);
    }
    for (const { scanned, raw } of listed) {
      const open =
        scanned.type === 'file'
          ? async (): Promise<Readable> => {
              const src = await zip.openReadStreamPromise(raw);
              const meter = new MeteredStream(tracker, scanned.path);
              src.on('error', (e) => meter.destroy(corrupt(archive, e)));
              return src.pipe(meter);
            }
          : null;
      await visit(scanned, open);
    }
  } catch (e) {
    throw corrupt(archive, e);
  } finally {
    zip.close();
  }
}
