// The files an archive will hold, gathered from torch-model-archiver's flags in its copy order
// (model file, serialized file, handler, extra files, requirements, config): a later file with
// the same name replaces an earlier one, as copying them into one folder does. Extra files are
// files, folders (their contents go in at the top level) or glob patterns. Only paths and sizes
// are gathered here: the bytes are streamed later.
import type { InputProblem } from '../errors/archive.js';
import { realpath, stat } from 'node:fs/promises';
import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Stats } from 'node:fs';
import { glob } from 'tinyglobby';
import { MlsError, toMlsError } from '../errors.js';
import { BUILTIN_HANDLERS, MANIFEST_PATH, handlerFilePart } from './manifest.js';
import type { WriteArchiveOptions } from './types.js';

export interface InputFile {
  /** Posix path inside the archive. */
  name: string;
  source: string;
  size: number;
  mtime: Date;
  mode: number;
  /** Handed to archiver: its tar writer streams an entry only when it knows the size up front. */
  stats: Stats;
}

/** Folders torch-model-archiver leaves out (archive_dir's directory_filter). */
function skippedDir(name: string): boolean {
  return name === '__MACOSX' || name === '__pycache__' || name.startsWith('.');
}

function notFound(flag: string, path: string, what: InputProblem = 'missing'): MlsError {
  return new MlsError('MLS_ERR_ARCHIVE_INPUT_NOT_FOUND', { missing: { flag, path, what } }, { details: { flag, path } });
}

async function statInput(flag: string, path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw notFound(flag, path);
    throw toMlsError(e);
  }
}

class InputSet {
  private readonly files = new Map<string, InputFile>();
  private readonly visitedDirs = new Set<string>();

  constructor(private readonly excluded: ReadonlySet<string>) {}

  add(name: string, source: string, st: Stats): void {
    if (name === MANIFEST_PATH || this.excluded.has(resolve(source))) return;
    this.files.set(name, { name, source, size: st.size, mtime: st.mtime, mode: st.mode & 0o777, stats: st });
  }

  /** A folder's contents, recursively, under `prefix` (symbolic links followed, loops cut). */
  async addDir(dir: string, prefix: string): Promise<void> {
    const real = await realpath(dir);
    if (this.visitedDirs.has(real)) return;
    this.visitedDirs.add(real);
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const src = join(dir, name);
      let st: Stats;
      try {
        st = await stat(src);
      } catch {
        continue; // a dangling symbolic link: copytree would fail on it, we leave it out
      }
      const rel = prefix ? `${prefix}/${name}` : name;
      if (st.isDirectory()) {
        if (!skippedDir(name)) await this.addDir(src, rel);
      } else if (st.isFile()) this.add(rel, src, st);
    }
  }

  list(): InputFile[] {
    return [...this.files.values()];
  }
}

async function expandExtra(item: string): Promise<string[]> {
  try {
    await stat(item);
    return [item];
  } catch {
    // Not a path: torch-model-archiver 0.12 then fails; mlserve expands it as a glob pattern.
  }
  if (!/[*?[\]{}]/.test(item)) throw notFound('--extra-files', item);
  const matches = await glob(item, { onlyFiles: false, expandDirectories: false, absolute: true });
  if (matches.length === 0) throw notFound('--extra-files', item, 'noMatch');
  return matches.sort();
}

/** Gathers the archive's files; `excluded` holds absolute paths never to include (the output itself). */
export async function collectInputs(opts: WriteArchiveOptions, excluded: ReadonlySet<string>): Promise<InputFile[]> {
  const set = new InputSet(excluded);
  const single = async (flag: string, path: string | undefined) => {
    if (!path) return;
    const st = await statInput(flag, path);
    if (!st.isFile()) throw notFound(flag, path, 'notFile');
    set.add(basename(path), path, st);
  };
  await single('--model-file', opts.modelFile);
  await single('--serialized-file', opts.serializedFile);
  if (!BUILTIN_HANDLERS.includes(opts.handler)) {
    // torch-model-archiver appends .py to a handler path without one ("my_handler" → my_handler.py).
    let file = handlerFilePart(opts.handler);
    if (!/\.(?:py|js|mjs|cjs)$/.test(file)) file = `${file}.py`;
    await single('--handler', file);
  }
  for (const raw of opts.extraFiles ?? []) {
    const item = raw.trim();
    if (!item) continue;
    for (const path of await expandExtra(item)) {
      const st = await statInput('--extra-files', path);
      if (st.isDirectory()) await set.addDir(path, '');
      else if (st.isFile()) set.add(basename(path), path, st);
      else throw notFound('--extra-files', path, 'neither');
    }
  }
  await single('--requirements-file', opts.requirementsFile);
  await single('--config-file', opts.configFile);
  return set.list();
}
