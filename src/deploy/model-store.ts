// A server's model store: a folder holding exactly its archives, as hard links to the plan's
// files (copies across file systems), so --model-store never exposes another server's models.
import { copyFile, link, mkdir, rm, stat, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MlsError } from '../errors.js';
import type { DeployServer } from './deploy-plan.js';

export async function linkArchives(s: DeployServer, store: string): Promise<void> {
  await rm(store, { recursive: true, force: true });
  await mkdir(store, { recursive: true });
  for (const m of s.models) {
    if (!m.archive) {
      throw new MlsError('MLS_ERR_DEPLOY_ARCHIVE_MISSING', { notInPlan: { name: m.name, name2: s.name } });
    }
    const dest = join(store, m.file);
    if ((await stat(m.archive)).isDirectory()) {
      await symlink(m.archive, dest, 'dir'); // a no-archive model folder
      continue;
    }
    await linkOrCopy(m.archive, dest);
  }
}

/** Hard links keep large archives and node_modules cheap to stage; copies across file systems. */
export async function linkOrCopy(src: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  try {
    await link(src, dest);
  } catch {
    await copyFile(src, dest);
  }
}
