// Loads mlserve.yaml: defaults < file < MLSERVE_* environment < flags, merged once on the raw
// document and validated once, so every source gets the same `path.to.key: message` errors.
import { readFile } from 'node:fs/promises';
import { dirname, resolve, basename, extname } from 'node:path';
import { glob } from 'tinyglobby';
import { MlsError, toMlsError } from '../errors.js';
import { parseYamlText, validate } from '../formats/yaml-file.js';
import { pipelineConfigSchema, type PipelineConfig } from './pipeline-schema.js';

/** Overrides given on the command line or in the environment, as dotted paths. */
export type ConfigOverrides = Record<string, unknown>;

/** The environment variables mlserve reads, and the key each sets. */
export const ENV_OVERRIDES: Record<string, string> = {
  MLSERVE_OUTPUT: 'output',
  MLSERVE_RUNTIME: 'deploy.runtime',
  MLSERVE_NAMESPACE: 'deploy.namespace',
  MLSERVE_LOADTEST_DURATION: 'loadtest.duration',
  MLSERVE_SLO: 'loadtest.slo',
};

export function envOverrides(env: NodeJS.ProcessEnv): ConfigOverrides {
  const out: ConfigOverrides = {};
  for (const [name, key] of Object.entries(ENV_OVERRIDES)) {
    const v = env[name];
    if (v !== undefined && v !== '') out[key] = v;
  }
  return out;
}

function setPath(doc: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = doc;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (next === undefined || next === null) node[k] = {};
    else if (typeof next !== 'object') return; // leave it to validation to report
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

export interface ResolvedModel {
  name: string;
  file: string; // absolute
  entry: PipelineConfig['models'][number];
}

export interface LoadedPipelineConfig {
  path: string;
  dir: string;
  config: PipelineConfig;
  outDir: string;
  models: ResolvedModel[];
}

export async function loadPipelineConfig(path: string, overrides: ConfigOverrides[] = []): Promise<LoadedPipelineConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const err = toMlsError(e);
    if (err.code === 'MLS_ERR_FILE_NOT_FOUND') {
      throw new MlsError('MLS_ERR_PIPELINE_CONFIG_NOT_FOUND', `${path} does not exist`, { cause: e });
    }
    throw err;
  }
  const raw = parseYamlText(text, path);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', `${path}: (root): expected a mapping`);
  }
  const doc = raw as Record<string, unknown>;
  for (const layer of overrides) for (const [k, v] of Object.entries(layer)) setPath(doc, k, v);
  const config = validate(pipelineConfigSchema, doc, path);
  const dir = dirname(resolve(path));
  const models = await resolveModels(config, dir, path);
  return { path: resolve(path), dir, config, outDir: resolve(dir, config.output), models };
}

async function resolveModels(config: PipelineConfig, dir: string, source: string): Promise<ResolvedModel[]> {
  const out: ResolvedModel[] = [];
  for (const [i, entry] of config.models.entries()) {
    const isGlob = /[*?[\]{}]/.test(entry.file);
    const files = isGlob ? (await glob(entry.file, { cwd: dir, absolute: true })).sort() : [resolve(dir, entry.file)];
    if (files.length === 0) {
      throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', `${source}: models.${i}.file: "${entry.file}" matches no file`);
    }
    if (isGlob && entry.name && files.length > 1) {
      throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', `${source}: models.${i}.name: a glob matching ${files.length} files cannot share one name`);
    }
    for (const file of files) out.push({ name: entry.name ?? basename(file, extname(file)), file, entry });
  }
  const seen = new Set<string>();
  for (const m of out) {
    if (seen.has(m.name)) throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', `${source}: models: the name "${m.name}" is used twice`);
    seen.add(m.name);
  }
  return out;
}
