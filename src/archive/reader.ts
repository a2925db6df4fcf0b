// Opening model archives: a .mar (zip, deflated or stored), a .tar.gz (entries under
// `<model-name>/`, as torch-model-archiver writes them, or at the top), or a no-archive folder
// (also one level down, as TorchServe accepts for SageMaker's layout). Manifests from
// torch-model-archiver and MMS 1.0 are both read. Extraction is path-safe and capped, goes to a
// staging folder beside the destination and is renamed into place only once complete.
import { chmod, open as openFile, mkdir, mkdtemp, readFile, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { MlsError, toMlsError } from '../errors.js';
import { checkFreeSpace, dirWriter } from './extract-dir.js';
import { scanFolder } from './folder-scan.js';
import { LimitTracker, resolveLimits } from './limits.js';
import { MANIFEST_PATH, handlerFilePart, handlerKindOf } from './manifest.js';
import { checkManifestFiles, parseManifest } from './manifest-parse.js';
import { readSmall, type EntryVisitor, type ScannedEntry } from './scan.js';
import { scanTgz } from './tgz-scan.js';
import type { ArchiveEntry, ArchiveInfo, ArchiveKind, ExtractedArchive, ExtractLimits, MarManifest } from './types.js';
import { scanZip } from './zip-scan.js';

const MAX_MANIFEST_BYTES = 1024 * 1024;

/** What the file is, by its first bytes (a zip's local header or empty-archive record, gzip's magic). */
export async function detectKind(path: string): Promise<ArchiveKind> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new MlsError('MLS_ERR_FILE_NOT_FOUND', { noSuchArchive: { path } }, { details: { path } });
    throw toMlsError(e);
  }
  if (st.isDirectory()) return 'folder';
  const fh = await openFile(path, 'r');
  const head = Buffer.alloc(4);
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6)) return 'zip';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'tgz';
  throw new MlsError('MLS_ERR_ARCHIVE_UNKNOWN_KIND', { path }, { details: { path } });
}

/** The tgz `<model-name>/` prefix: the one top folder holding MAR-INF/MANIFEST.json, or ''. */
function archiveRoot(paths: string[], archive: string): string {
  if (paths.includes(MANIFEST_PATH)) return '';
  const tops = new Set(paths.map((p) => p.split('/')[0]));
  const [top] = tops;
  if (tops.size === 1 && top && paths.includes(`${top}/${MANIFEST_PATH}`)) return `${top}/`;
  throw new MlsError('MLS_ERR_ARCHIVE_NO_MANIFEST', { archive: { archive, manifest: MANIFEST_PATH } }, {
    details: { archive },
  });
}

function stripRoot(entries: ScannedEntry[], root: string): ArchiveEntry[] {
  return entries
    .filter((e) => e.path.startsWith(root) && e.path !== root.slice(0, -1))
    .map((e) => ({ path: e.path.slice(root.length), size: e.type === 'file' ? e.size : 0, type: e.type }));
}

function validate(text: string, entries: ArchiveEntry[], archive: string) {
  const parsed = parseManifest(text, archive);
  checkManifestFiles(parsed.manifest, new Set(entries.filter((e) => e.type !== 'directory').map((e) => e.path)), archive);
  return parsed;
}

/** Keeps the manifest candidates' bytes (top level or one folder down) while scanning. */
function manifestCatcher(): { visit: EntryVisitor; texts: Map<string, string> } {
  const texts = new Map<string, string>();
  const visit: EntryVisitor = async (e, open) => {
    if (!open || !e.path.endsWith(MANIFEST_PATH) || e.path.split('/').length > 3) return;
    texts.set(e.path, (await readSmall(await open(), MAX_MANIFEST_BYTES, `${e.path}`)).toString('utf8'));
  };
  return { visit, texts };
}

/** Folder archives: the folder, or its only subfolder when that holds the manifest. */
async function folderRoot(dir: string): Promise<string> {
  if (await exists(join(dir, MANIFEST_PATH))) return dir;
  const names = await readdir(dir);
  const only = names.length === 1 ? join(dir, names[0]!) : undefined;
  if (only && (await exists(join(only, MANIFEST_PATH)))) return only;
  throw new MlsError('MLS_ERR_ARCHIVE_NO_MANIFEST', { folder: { dir, manifest: MANIFEST_PATH } }, { details: { archive: dir } });
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

export async function inspectArchive(path: string, limits?: Partial<ExtractLimits>): Promise<ArchiveInfo> {
  const kind = await detectKind(path);
  const tracker = new LimitTracker(resolveLimits(limits), path);
  let entries: ArchiveEntry[];
  let text: string;
  let stored = false;
  if (kind === 'folder') {
    const root = await folderRoot(path);
    entries = await scanFolder(root, path, tracker);
    text = await readFile(join(root, MANIFEST_PATH), 'utf8');
  } else {
    const catcher = manifestCatcher();
    const scanned: ScannedEntry[] = [];
    const visit: EntryVisitor = async (e, open) => {
      scanned.push(e);
      await catcher.visit(e, open);
    };
    await (kind === 'zip' ? scanZip(path, tracker, visit) : scanTgz(path, tracker, visit));
    const root = archiveRoot(scanned.map((e) => e.path), path);
    entries = stripRoot(scanned, root);
    text = catcher.texts.get(root + MANIFEST_PATH) ?? '';
    stored = scanned.every((e) => e.type !== 'file' || e.stored === true);
  }
  const { manifest, style } = validate(text, entries, path);
  const uncompressedBytes = entries.reduce((s, e) => s + e.size, 0);
  return {
    path,
    kind,
    manifest,
    entries,
    format: kind === 'folder' ? 'no-archive' : kind === 'tgz' ? 'tgz' : stored ? 'zip-store' : 'default',
    style,
    handlerKind: handlerKindOf(manifest.model.handler),
    bytes: kind === 'folder' ? uncompressedBytes : (await stat(path)).size,
    uncompressedBytes,
  };
}

/** Paths, config and handler of an archive's folder, once its manifest is known good. */
async function describeDir(dir: string, manifest: MarManifest, inPlace: boolean, archive: string): Promise<ExtractedArchive> {
  const out: ExtractedArchive = { dir, manifest, handlerKind: handlerKindOf(manifest.model.handler), inPlace };
  if (manifest.model.serializedFile) out.serializedFilePath = join(dir, manifest.model.serializedFile);
  const handler = manifest.model.handler;
  if (handler && out.handlerKind !== 'builtin') {
    let file = handlerFilePart(handler);
    if (out.handlerKind === 'python' && !file.endsWith('.py')) file = `${file}.py`;
    if (await exists(join(dir, file))) out.handlerPath = join(dir, file);
  }
  if (manifest.model.configFile) {
    const where = `${archive}: ${manifest.model.configFile}`;
    let doc: unknown;
    try {
      doc = yaml.load(await readFile(join(dir, manifest.model.configFile), 'utf8'));
    } catch (e) {
      throw new MlsError('MLS_ERR_ARCHIVE_BAD_CONFIG', { unreadable: { where, reason: (e as Error).message } }, { cause: e, details: { archive } });
    }
    if (doc !== undefined && doc !== null && (typeof doc !== 'object' || Array.isArray(doc))) {
      throw new MlsError('MLS_ERR_ARCHIVE_BAD_CONFIG', { notMapping: { where } }, { details: { archive } });
    }
    out.modelConfig = (doc ?? {}) as Record<string, unknown>;
  }
  return out;
}

/** The destination must be absent or an empty folder; it is replaced by the finished extraction. */
async function prepareDestination(destDir: string): Promise<void> {
  await mkdir(dirname(destDir), { recursive: true });
  if (!(await exists(destDir))) return;
  const st = await stat(destDir);
  if (!st.isDirectory() || (await readdir(destDir)).length > 0) {
    throw new MlsError('MLS_ERR_OUTPUT_EXISTS', { notEmptyFolder: { destDir } }, { details: { path: destDir } });
  }
  await rmdir(destDir);
}

export async function extractArchive(path: string, destDir: string, limits?: Partial<ExtractLimits>): Promise<ExtractedArchive> {
  const kind = await detectKind(path);
  if (kind === 'folder') {
    const info = await inspectArchive(path, limits);
    return describeDir(await folderRoot(path), info.manifest, true, path);
  }
  const dest = resolve(destDir);
  await prepareDestination(dest);
  const staging = await mkdtemp(join(dirname(dest), `.${basename(dest)}.extract-`));
  try {
    const tracker = new LimitTracker(resolveLimits(limits), path);
    const writer = dirWriter(staging, path);
    const catcher = manifestCatcher();
    let spaceChecked = false;
    const visit: EntryVisitor = async (e, open) => {
      if (!spaceChecked) {
        // Zip: every size is declared by now (central directory); tgz: only the first entry's.
        await checkFreeSpace(staging, tracker.declaredBytes, path);
        spaceChecked = true;
      }
      if (open && e.path.endsWith(MANIFEST_PATH) && e.path.split('/').length <= 3) {
        await catcher.visit(e, open);
        await writer.visit(e, null);
        await writeFile(join(staging, e.path), catcher.texts.get(e.path) ?? '', { mode: 0o644 });
        return;
      }
      await writer.visit(e, open);
    };
    await (kind === 'zip' ? scanZip(path, tracker, visit) : scanTgz(path, tracker, visit));
    const root = archiveRoot(writer.entries.map((e) => e.path), path);
    const { manifest } = validate(catcher.texts.get(root + MANIFEST_PATH) ?? '', stripRoot(writer.entries, root), path);
    await writer.finish();
    const extracted = root ? join(staging, root) : staging;
    await describeDir(extracted, manifest, false, path); // the model config must parse before anything lands at dest
    await chmod(extracted, 0o755); // mkdtemp made it private; the files inside are 0644
    await rename(extracted, dest);
    return await describeDir(dest, manifest, false, path);
  } catch (e) {
    throw toMlsError(e);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
