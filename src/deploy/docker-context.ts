// Docker build contexts. A server image (`mlserve build`) holds mlserve itself: its compiled
// code, templates and production node_modules, staged from this installation so the build needs
// no registry. A models image (`deploy --bake`) adds a plan's archives on top of a server image.
import { mkdir, readFile, rm, access, readdir, readlink, symlink } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { MlsError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { PACKAGE_ROOT } from '../paths.js';
import { assertDockerfile } from './dockerfile-lint.js';
import { linkOrCopy } from './model-store.js';
import { readTemplateText } from './template-fill.js';
import type { ProcessorKind } from './processors.js';

/** Replaces the default of `ARG NAME=...`: the one way a base image is chosen in our Dockerfiles. */
export function setArgDefault(dockerfile: string, name: string, value: string): string {
  const re = new RegExp(`^(\\s*ARG\\s+${name})(=.*)?$`, 'm');
  if (!re.test(dockerfile)) throw new MlsError('MLS_ERR_DEPLOY_TEMPLATE_INVALID', { dockerfileArg: { name } });
  if (/\s/.test(value)) throw new MlsError('MLS_ERR_USAGE', { baseImage: { value } });
  return dockerfile.replace(re, `$1=${value}`);
}

export interface ServerContextOptions {
  processor: ProcessorKind;
  templatesDir: string;
  dir: string; // the build context folder (replaced)
  baseImage?: string;
  /** Copy mlserve's runtime into the context (false: Dockerfile and small files only). */
  stageRuntime?: boolean;
}

export async function renderServerContext(o: ServerContextOptions): Promise<{ dockerfile: string }> {
  const tdir = join(o.templatesDir, 'docker');
  let dockerfile = await readTemplateText(join(tdir, `Dockerfile.${o.processor}`));
  if (o.baseImage) dockerfile = setArgDefault(dockerfile, 'BASE_IMAGE', o.baseImage);
  // A base of the user's own may have no shell or apt: the cpu image's python3 stage is then opt-in.
  if (o.baseImage && /^ARG PYTHON=/m.test(dockerfile)) dockerfile = setArgDefault(dockerfile, 'PYTHON', 'without-python');
  assertDockerfile(dockerfile, `Dockerfile.${o.processor}`);
  await rm(o.dir, { recursive: true, force: true });
  await mkdir(join(o.dir, 'home', 'model-store'), { recursive: true });
  await mkdir(join(o.dir, 'home', 'work'), { recursive: true });
  await writeFileAtomic(join(o.dir, 'Dockerfile'), dockerfile);
  await writeFileAtomic(join(o.dir, '.dockerignore'), await readTemplateText(join(tdir, 'dockerignore')));
  const runtimeDir = join(o.dir, 'mlserve');
  await mkdir(runtimeDir, { recursive: true });
  await writeFileAtomic(join(runtimeDir, 'healthcheck.mjs'), await readTemplateText(join(tdir, 'healthcheck.mjs')));
  if (o.stageRuntime !== false) await stageRuntime(runtimeDir);
  return { dockerfile };
}

export async function renderModelsContext(o: { templatesDir: string; dir: string; serverImage: string; archives: string[] }): Promise<{ dockerfile: string }> {
  let dockerfile = await readTemplateText(join(o.templatesDir, 'docker', 'Dockerfile.models'));
  dockerfile = setArgDefault(dockerfile, 'SERVER_IMAGE', o.serverImage);
  assertDockerfile(dockerfile, 'Dockerfile.models', false);
  await rm(o.dir, { recursive: true, force: true });
  await mkdir(join(o.dir, 'model-store'), { recursive: true });
  await writeFileAtomic(join(o.dir, 'Dockerfile'), dockerfile);
  for (const a of new Set(o.archives)) await linkOrCopy(a, join(o.dir, 'model-store', a.split(sep).pop()!));
  return { dockerfile };
}

interface LockPackage {
  dev?: boolean;
  optional?: boolean;
}

/**
 * Copies what `mlserve serve` needs at run time: package.json, dist/src, dist/commands, templates/,
 * the default catalog and the production packages listed in package-lock.json (dev-only ones
 * left out, prebuilt binaries for other platforms skipped).
 */
export async function stageRuntime(dest: string): Promise<void> {
  const cli = join(PACKAGE_ROOT, 'dist', 'src', 'cli.js');
  try {
    await access(cli);
  } catch (e) {
    throw new MlsError('MLS_ERR_FILE_NOT_FOUND', { cliNotBuilt: { cli } }, { cause: e, });
  }
  const lock = JSON.parse(await readFile(join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as { packages?: Record<string, LockPackage> };
  const roots = Object.entries(lock.packages ?? {})
    .filter(([p, info]) => p.startsWith('node_modules/') && !info.dev)
    .map(([p]) => p)
    .sort();
  // Nested packages live inside their parent's folder, which is copied whole.
  const top = roots.filter((p, i) => !roots.slice(0, i).some((r) => p.startsWith(`${r}/`)));
  const otherPlatform = new RegExp(`${escape(sep)}bin${escape(sep)}napi-v\\d+${escape(sep)}(?!${process.platform}(${escape(sep)}|$))`);
  const otherArch = new RegExp(`${escape(sep)}bin${escape(sep)}napi-v\\d+${escape(sep)}${process.platform}${escape(sep)}(?!${process.arch}(${escape(sep)}|$))`);
  const filter = (src: string) => !otherPlatform.test(src) && !otherArch.test(src);
  // src/serve/python: the Python worker and mlserve's `ts` package (Python handlers).
  for (const rel of ['package.json', 'dist/src', 'dist/commands', 'templates', 'src/pack/default-catalog.yaml', 'src/serve/python']) {
    await linkTree(join(PACKAGE_ROOT, rel), join(dest, rel), () => true);
  }
  for (const rel of top) {
    if (NOT_IN_IMAGE.some((n) => rel === `node_modules/${n}` || rel.startsWith(`node_modules/${n}/`))) continue;
    await linkTree(join(PACKAGE_ROOT, rel), join(dest, rel), filter);
  }
}

/** Packages only `mlserve deploy` uses (manifest validation), never the server in the image. */
const NOT_IN_IMAGE = ['@kubernetes/client-node', 'kubernetes-models', '@kubernetes-models', 'dockerfile-utils'];

/** Mirrors a file or folder with hard links (copies across file systems); absent sources are skipped. */
async function linkTree(src: string, dest: string, filter: (p: string) => boolean): Promise<void> {
  if (!filter(src)) return;
  let entries;
  try {
    entries = await readdir(src, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // optional packages for other platforms are in the lock, not on disk
    if (code === 'ENOTDIR') return linkOrCopy(src, dest);
    throw e;
  }
  await mkdir(dest, { recursive: true });
  for (const e of entries) {
    const s = join(src, e.name);
    const d = join(dest, e.name);
    if (e.isDirectory()) await linkTree(s, d, filter);
    else if (e.isSymbolicLink()) await symlink(await readlink(s), d);
    else if (e.isFile() && filter(s)) await linkOrCopy(s, d);
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
