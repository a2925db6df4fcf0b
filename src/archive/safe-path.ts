// Entry names from an archive are attacker-controlled: every one is checked before anything is
// written, and each kind of escape gets its own code (zip slip, absolute path, symlink out).
import { posix, resolve, sep } from 'node:path';
import { MlsError } from '../errors.js';

/**
 * The entry's path as a clean relative posix path, or '' for the archive root ("./").
 * Backslashes count as separators (zips made on Windows), so `..\x` is caught too.
 */
export function safeEntryPath(rawName: string, archive: string): string {
  const name = rawName.replace(/\\/g, '/');
  if (name.includes('\0')) {
    throw new MlsError('MLS_ERR_ARCHIVE_UNSUPPORTED_ENTRY', { nulByte: { archive, rawName: JSON.stringify(rawName) } }, {
      details: { archive, entry: rawName },
    });
  }
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) {
    throw new MlsError('MLS_ERR_ARCHIVE_ABSOLUTE_PATH', { archive, rawName: JSON.stringify(rawName) }, {
      details: { archive, entry: rawName },
    });
  }
  const parts = name.split('/').filter((s) => s !== '' && s !== '.');
  // Refused even when it would land inside (a/../b): no honest archiver writes "..".
  if (parts.includes('..')) {
    throw new MlsError('MLS_ERR_ARCHIVE_PATH_TRAVERSAL', { dotDot: { archive, rawName: JSON.stringify(rawName) } }, {
      details: { archive, entry: rawName },
    });
  }
  return parts.join('/');
}

/** A symbolic link entry must resolve inside the archive. */
export function checkSymlinkTarget(entryPath: string, target: string, archive: string): void {
  const t = target.replace(/\\/g, '/');
  const escapes = () =>
    new MlsError('MLS_ERR_ARCHIVE_SYMLINK_ESCAPE', { outsideArchive: { archive, entryPath, target } }, {
      details: { archive, entry: entryPath, target },
    });
  if (t === '' || t.startsWith('/') || /^[A-Za-z]:/.test(t) || t.includes('\0')) throw escapes();
  const joined = posix.normalize(posix.join(posix.dirname(entryPath), t));
  if (joined === '..' || joined.startsWith('../')) throw escapes();
}

/** The absolute destination of a checked entry path; a second guard that it stays under root. */
export function destinationOf(root: string, entryPath: string): string {
  const dest = resolve(root, entryPath);
  if (dest !== root && !dest.startsWith(root + sep)) {
    throw new MlsError('MLS_ERR_ARCHIVE_PATH_TRAVERSAL', { resolvesOutside: { entryPath, root } });
  }
  return dest;
}

/** A manifest field naming a file inside the archive must be a plain relative path. */
export function isSafeRelativeName(name: string): boolean {
  try {
    return safeEntryPath(name, '') !== '';
  } catch {
    return false;
  }
}
