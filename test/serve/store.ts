// Builds a model store for the serve tests: unpacked (folder) archives, a format every mlserve
// reader accepts, holding an ONNX file, MAR-INF/MANIFEST.json and any extra files.
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export interface FolderArchive {
  name: string;
  version?: string;
  model?: string; // path of the serialized file (.onnx, .pt ...); none for handlers that need none
  handler: string;
  files?: Record<string, string | Buffer>;
  /** model-config.yaml text */
  config?: string;
  /** requirements.txt text (TorchServe's --requirements-file) */
  requirements?: string;
  /** folder name in the store (default: name, or name-version) */
  dirName?: string;
}

export async function tempStore(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'mlserve-store-'));
}

export async function addFolderArchive(store: string, a: FolderArchive): Promise<string> {
  const dirName = a.dirName ?? a.name;
  const dir = join(store, dirName);
  await mkdir(join(dir, 'MAR-INF'), { recursive: true });
  if (a.model) await copyFile(a.model, join(dir, basename(a.model)));
  for (const [f, content] of Object.entries(a.files ?? {})) await writeFile(join(dir, f), content);
  if (a.config) await writeFile(join(dir, 'model-config.yaml'), a.config);
  if (a.requirements !== undefined) await writeFile(join(dir, 'requirements.txt'), a.requirements);
  const manifest = {
    createdOn: '22/11/2026 00:00:00',
    runtime: a.handler.endsWith('js') ? 'mlserve-js' : 'python',
    model: {
      modelName: a.name,
      ...(a.model ? { serializedFile: basename(a.model) } : {}),
      handler: a.handler,
      modelVersion: a.version ?? '1.0',
      ...(a.config ? { configFile: 'model-config.yaml' } : {}),
      ...(a.requirements !== undefined ? { requirementsFile: 'requirements.txt' } : {}),
    },
    archiverVersion: '0.12.0',
  };
  await writeFile(join(dir, 'MAR-INF', 'MANIFEST.json'), JSON.stringify(manifest, null, 2));
  return dirName;
}

/** Polls `check` until it returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
