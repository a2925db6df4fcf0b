// The chosen batching goes where every runtime reads it: the model's model-config.yaml. The
// user's archive is left as it is; calibrate writes an unpacked copy (a folder archive, which
// serve, deploy and pack accept as they accept a .mar) with batchSize, maxBatchDelay and
// min/maxWorkers set, and the profile points at it. A copy already calibrated is updated in place.
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { extractArchive } from '../archive/reader.js';
import { MANIFEST_PATH } from '../archive/manifest.js';
import { toMlsError } from '../errors.js';

export interface CalibratedBatching {
  batchSize: number;
  maxBatchDelay: number; // ms
  workers: number;
}

export async function writeCalibratedArchive(src: string, dest: string, b: CalibratedBatching): Promise<string> {
  const target = resolve(dest);
  if (resolve(src) === target) {
    await setModelConfig(target, b);
    return dest;
  }
  await rm(target, { recursive: true, force: true });
  await mkdir(dirname(target), { recursive: true });
  const staging = await mkdtemp(join(dirname(target), `.${basename(target)}.calibrate-`));
  try {
    const unpacked = join(staging, 'archive');
    const ex = await extractArchive(src, unpacked);
    let root = ex.dir;
    if (ex.inPlace) {
      // A folder archive: copy its files (links to files outside it are copied as files).
      await cp(ex.dir, unpacked, { recursive: true, dereference: true });
      root = unpacked;
    }
    await setModelConfig(root, b);
    await rename(root, target);
  } catch (e) {
    throw toMlsError(e);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return dest;
}

/** The intra-op threads each worker of the model runs with: its model-config's, else serve's default (1). */
export async function archiveIntraOpThreads(src: string): Promise<number> {
  const staging = await mkdtemp(join(tmpdir(), 'mlserve-calibrate-config-'));
  try {
    const ex = await extractArchive(src, join(staging, 'archive'));
    const manifest = JSON.parse(await readFile(join(ex.dir, MANIFEST_PATH), 'utf8')) as { model: { configFile?: string } };
    if (!manifest.model.configFile) return 1;
    const doc = yaml.load(await readFile(join(ex.dir, manifest.model.configFile), 'utf8')) as Record<string, unknown> | null;
    const n = doc?.['intraOpThreads'];
    return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : 1;
  } catch (e) {
    throw toMlsError(e);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Merges the batching into the folder's model-config (named in its manifest, or added to it). */
async function setModelConfig(root: string, b: CalibratedBatching): Promise<void> {
  const manifestPath = join(root, MANIFEST_PATH);
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { model: { configFile?: string } };
  const name = manifest.model.configFile ?? 'model-config.yaml';
  let doc: Record<string, unknown> = {};
  if (manifest.model.configFile) {
    const loaded = yaml.load(await readFile(join(root, name), 'utf8'));
    if (loaded && typeof loaded === 'object' && !Array.isArray(loaded)) doc = loaded as Record<string, unknown>;
  }
  doc = { ...doc, batchSize: b.batchSize, maxBatchDelay: b.maxBatchDelay, minWorkers: b.workers, maxWorkers: b.workers };
  await writeFile(join(root, name), yaml.dump(doc));
  if (!manifest.model.configFile) {
    manifest.model.configFile = name;
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  }
}
