// `mlserve init`: a project that runs as it is — a commented mlserve.yaml, a small generated model
// (templates/init/models/my-model.onnx, the fixtures' seeded MLP) and its request body, an example
// JavaScript handler, and the JSON Schema editors use to check the YAML as it is typed.
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { MlsError, toMlsError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { pipelineJsonSchema } from '../config/pipeline-schema.js';
import { TEMPLATES_DIR } from '../paths.js';

export const INIT_TEMPLATE_DIR = join(TEMPLATES_DIR, 'init');

export interface InitResult {
  files: string[];
  /** The command that runs the new project, written for the folder init was run from. */
  next: string;
}

async function templateFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await templateFiles(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

export async function initProject(dir: string, force: boolean, cwd = process.cwd()): Promise<InitResult> {
  const target = resolve(cwd, dir);
  const contents = new Map<string, Buffer | string>();
  try {
    for (const rel of await templateFiles(INIT_TEMPLATE_DIR)) contents.set(join(target, rel), await readFile(join(INIT_TEMPLATE_DIR, rel)));
  } catch (e) {
    throw toMlsError(e);
  }
  contents.set(join(target, 'mlserve.schema.json'), `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`);
  const existing = [...contents.keys()].filter((f) => existsSync(f));
  if (existing.length && !force) {
    throw new MlsError('MLS_ERR_INIT_EXISTS', { existing: existing.map((f) => relative(cwd, f)).join(', '), plural: existing.length === 1 ? 's' : '' }, {
      details: { existing },
    });
  }
  for (const [path, data] of contents) await writeFileAtomic(path, data);
  const config = relative(cwd, join(target, 'mlserve.yaml'));
  return { files: [...contents.keys()], next: `mlserve pipeline -f ${/\s/.test(config) ? JSON.stringify(config) : config}` };
}
