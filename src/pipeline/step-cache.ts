// Skips pipeline steps whose inputs have not changed: a stamp per step records a hash of the
// step's arguments and the contents of its input files, and the outputs it produced.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';

/** A file's contents, or a folder's (payloadDir): its entries' names and contents, in order. */
async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  if ((await stat(path)).isDirectory()) {
    for (const name of (await readdir(path)).sort()) h.update(`${name}\0${await hashFile(join(path, name))}`);
    return h.digest('hex');
  }
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function stepKey(parts: { args: unknown; inputs: string[] }): Promise<string> {
  const h = createHash('sha256');
  h.update(JSON.stringify(parts.args));
  for (const f of [...parts.inputs].sort()) {
    h.update(f);
    h.update(existsSync(f) ? await hashFile(f) : 'missing');
  }
  return h.digest('hex');
}

interface Stamp {
  key: string;
  outputs: string[];
  finishedAt: string;
  summary?: unknown;
}

function stampPath(stateDir: string, step: string): string {
  return join(stateDir, `${step}.json`);
}

/** The recorded summary when the step ran before with the same key and its outputs still exist. */
export async function cachedStep(stateDir: string, step: string, key: string): Promise<{ summary?: unknown } | undefined> {
  try {
    const stamp = JSON.parse(await readFile(stampPath(stateDir, step), 'utf8')) as Stamp;
    if (stamp.key !== key || !stamp.outputs.every((o) => existsSync(o))) return undefined;
    return { summary: stamp.summary };
  } catch {
    return undefined;
  }
}

export async function recordStep(stateDir: string, step: string, key: string, outputs: string[], summary?: unknown): Promise<void> {
  const stamp: Stamp = { key, outputs, finishedAt: new Date().toISOString(), summary };
  await writeFileAtomic(stampPath(stateDir, step), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** Forget a step's stamp (it failed, or an earlier step re-ran). */
export async function forgetStep(stateDir: string, step: string): Promise<void> {
  await writeFileAtomic(stampPath(stateDir, step), '{}\n');
}
