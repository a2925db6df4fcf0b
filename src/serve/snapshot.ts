// Snapshots: what is registered (models, versions, default versions, worker counts, batching
// settings) is saved atomically after every change and restored when the server starts again
// without an explicit model list, like TorchServe's config snapshots. `--no-snapshot` turns it off.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { MlsError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import type { Logger } from '../log.js';
import type { Registry } from './frontend/registry.js';

const SnapshotModel = z.strictObject({
  name: z.string(),
  version: z.string(),
  url: z.string(),
  isDefault: z.boolean(),
  minWorkers: z.number().int().min(0),
  maxWorkers: z.number().int().min(0),
  batchSize: z.number().int().min(1),
  maxBatchDelay: z.number().min(0),
  responseTimeout: z.number().min(0),
  // Optional so that snapshots written before they were saved still read.
  startupTimeout: z.number().min(0).optional(),
  runtime: z.string().optional(),
});
// modelStore: the store the registrations came from; a snapshot restores only into a server with
// the same store (optional so that snapshots written before it still read).
const Snapshot = z.strictObject({
  apiVersion: z.literal('mlserve/v1'),
  kind: z.literal('ServeSnapshot'),
  savedAt: z.string(),
  modelStore: z.string().optional(),
  models: z.array(SnapshotModel),
});
export type SnapshotModel = z.infer<typeof SnapshotModel>;
export type SavedSnapshot = z.infer<typeof Snapshot>;

export function snapshotOf(reg: Registry, modelStore: string): SavedSnapshot {
  const models = reg.names().flatMap((n) => {
    const dflt = reg.get(n).version;
    return reg.allVersions(n).map((e) => ({
      name: e.name,
      version: e.version,
      url: e.archive.url,
      isDefault: e.version === dflt,
      minWorkers: e.pool.minWorkers,
      maxWorkers: e.pool.maxWorkers,
      batchSize: e.batchSize,
      maxBatchDelay: e.maxBatchDelay,
      responseTimeout: e.responseTimeout,
      startupTimeout: e.startupTimeout,
      runtime: e.runtime,
    }));
  });
  return { apiVersion: 'mlserve/v1', kind: 'ServeSnapshot', savedAt: new Date().toISOString(), modelStore, models };
}

/** Reads a snapshot; undefined when there is none. A damaged one is an error naming the field. */
export async function readSnapshot(path: string): Promise<SavedSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  let parsed;
  try {
    parsed = Snapshot.safeParse(JSON.parse(text));
  } catch (e) {
    throw new MlsError('MLS_ERR_SERVE_CONFIG', { snapshotNotJson: { path, reason: (e as Error).message } });
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MlsError('MLS_ERR_SERVE_CONFIG', { snapshotField: { path, field: issue.path.join('.'), reason: issue.message } });
  }
  return parsed.data;
}

/**
 * Saves after each change, one write at a time and always the latest state. Changes that arrive
 * while a write is under way are folded into one more write (registering 1,000 models must not
 * write the snapshot 1,000 times).
 */
export function snapshotSaver(path: string, reg: Registry, modelStore: string, log: Logger): () => void {
  let writing = false;
  let dirty = false;
  const write = async (): Promise<void> => {
    writing = true;
    while (dirty) {
      dirty = false;
      await writeFileAtomic(path, `${JSON.stringify(snapshotOf(reg, modelStore), null, 2)}\n`).catch((e: unknown) => log.warn(`could not save the snapshot ${path}: ${(e as Error).message}`));
    }
    writing = false;
  };
  return () => {
    dirty = true;
    if (!writing) void write();
  };
}
