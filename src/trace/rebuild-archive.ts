// --write-archive: the archive again, with the optimized model in place of the original serialized
// file (same file name, so handlers and configs that name it keep working) and everything else kept.
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ArchiveFormat } from '../archive/types.js';
import type { ModelSource } from './model-source.js';

export interface RebuiltArchive {
  path: string;
  bytes: number;
}

function formatOf(input: string, isFolder: boolean): ArchiveFormat {
  if (isFolder) return 'no-archive';
  return /\.(tgz|tar\.gz)$/i.test(input) ? 'tgz' : 'default';
}

/** Writes `<exportPath>/<modelName>.mar` (or .tar.gz / folder, as the input was). */
export async function rebuildArchive(source: ModelSource, optimizedModel: string, exportPath: string, stagingDir: string): Promise<RebuiltArchive> {
  const archive = source.archive;
  if (!archive || !archive.serializedFilePath) throw new Error(`rebuildArchive: ${source.input} is not an archive`);
  const m = archive.manifest.model;
  const serializedName = basename(archive.serializedFilePath);
  await mkdir(stagingDir, { recursive: true });
  const staged = join(stagingDir, serializedName);
  await copyFile(optimizedModel, staged);
  const named = new Set(['MAR-INF', serializedName, m.handler, m.modelFile, m.requirementsFile, m.configFile].filter(Boolean) as string[]);
  if (archive.handlerPath) named.add(basename(archive.handlerPath));
  const extraFiles = (await readdir(archive.dir)).filter((f) => !named.has(f)).map((f) => join(archive.dir, f));
  const { writeArchive } = await import('../archive/writer.js');
  const at = (f: string | undefined) => (f ? join(archive.dir, f) : undefined);
  const written = await writeArchive({
    modelName: m.modelName,
    version: m.modelVersion,
    serializedFile: staged,
    ...(m.modelFile ? { modelFile: at(m.modelFile)! } : {}),
    handler: archive.handlerPath ?? m.handler ?? 'base_handler',
    ...(extraFiles.length ? { extraFiles } : {}),
    runtime: archive.manifest.runtime,
    exportPath,
    archiveFormat: formatOf(source.input, source.folder === true),
    force: true,
    ...(m.requirementsFile ? { requirementsFile: at(m.requirementsFile)! } : {}),
    ...(m.configFile ? { configFile: at(m.configFile)! } : {}),
  });
  return { path: written.path, bytes: written.bytes };
}
