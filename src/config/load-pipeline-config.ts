// Loads mlserve.yaml: defaults < file < MLSERVE_* environment < flags, merged once on the raw
// document and validated once, so every source gets the same `path.to.key: message` errors.
import { readFile } from 'node:fs/promises';
import { dirname, resolve, basename, extname } from 'node:path';
import { glob } from 'tinyglobby';
import { MlsError, toMlsError } from '../errors.js';
import { formatIssues, parseYamlText } from '../formats/yaml-file.js';
import { pipelineConfigSchema, type PipelineConfig } from './pipeline-schema.js';

/** Values given on the command line or in the environment, as dotted paths, and where they came from. */
export interface ConfigOverrides {
  /** Named in errors about these values: `environment variable MLSERVE_SLO`, `--runtime`. */
  source: string;
  values: Record<string, unknown>;
}

/** The environment variables mlserve reads, and the key each sets. */
export const ENV_OVERRIDES: Record<string, string> = {
  MLSERVE_OUTPUT: 'output',
  MLSERVE_RUNTIME: 'deploy.runtime',
  MLSERVE_NAMESPACE: 'deploy.namespace',
  MLSERVE_LOADTEST_DURATION: 'loadtest.duration',
  MLSERVE_SLO: 'loadtest.slo',
};

/** One layer per variable set, so an error names the variable that gave the bad value. */
export function envOverrides(env: NodeJS.ProcessEnv): ConfigOverrides[] {
  const out: ConfigOverrides[] = [];
  for (const [name, key] of Object.entries(ENV_OVERRIDES)) {
    const v = env[name];
    if (v !== undefined && v !== '') out.push({ source: `environment variable ${name}`, values: { [key]: v } });
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
  /** Position of the entry in `models:`, for errors (`models.1.file`). */
  index: number;
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
      throw new MlsError('MLS_ERR_PIPELINE_CONFIG_NOT_FOUND', { path }, { cause: e });
    }
    throw err;
  }
  const raw = parseYamlText(text, path);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', { rootNotMapping: { path } });
  }
  const doc = raw as Record<string, unknown>;
  const sources = new Map<string, string>();
  for (const layer of overrides) {
    for (const [k, v] of Object.entries(layer.values)) {
      setPath(doc, k, v);
      sources.set(k, layer.source);
    }
  }
  const config = validateConfig(doc, path, sources);
  const dir = dirname(resolve(path));
  const models = await resolveModels(config, dir, path);
  return { path: resolve(path), dir, config, outDir: resolve(dir, config.output), models };
}

/** Validates the merged document; a bad value set by a flag or variable is blamed on it, not on the file. */
function validateConfig(doc: Record<string, unknown>, path: string, sources: Map<string, string>): PipelineConfig {
  const r = pipelineConfigSchema.safeParse(doc);
  if (r.success) return r.data;
  const lines = r.error.issues.map((issue) => {
    const key = issue.path.map(String).join('.');
    const source = sources.get(key);
    return source ? `${source}: ${formatIssues([issue])[0]}` : `${path}: ${formatIssues([issue]).join('; ')}`;
  });
  const overridden = r.error.issues.map((i) => sources.get(i.path.map(String).join('.'))).find(Boolean);
  throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', { issues: { issues: lines.join('; '), ...(overridden ? { source: overridden } : {}) } }, {
    details: { file: path, issues: lines, ...(overridden ? { source: overridden } : {}) },
  });
}

/**
 * Files named explicitly win over glob matches of the same name (`models/*.onnx` next to an
 * explicit `mlp` entry for models/mlp.onnx adds every other model); two explicit entries or two
 * globs giving one name are an error.
 */
async function resolveModels(config: PipelineConfig, dir: string, source: string): Promise<ResolvedModel[]> {
  const explicit = new Map<string, number>();
  const expanded: Array<{ index: number; isGlob: boolean; files: string[]; entry: PipelineConfig['models'][number] }> = [];
  for (const [index, entry] of config.models.entries()) {
    const isGlob = /[*?[\]{}]/.test(entry.file);
    const files = isGlob ? (await glob(entry.file, { cwd: dir, absolute: true })).sort() : [resolve(dir, entry.file)];
    if (files.length === 0) {
      throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', { globMatchesNothing: { source, index, file: entry.file } });
    }
    if (isGlob && entry.name && files.length > 1) {
      throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', { globSharesName: { source, index, filesCount: files.length } });
    }
    expanded.push({ index, isGlob, files, entry });
    if (!isGlob) {
      const name = entry.name ?? modelName(files[0]!);
      const other = explicit.get(name);
      if (other !== undefined) {
        throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', { nameTaken: { source, index, name, other } });
      }
      explicit.set(name, index);
    }
  }
  const out: ResolvedModel[] = [];
  const fromGlob = new Map<string, number>();
  for (const { index, isGlob, files, entry } of expanded) {
    for (const file of files) {
      const name = entry.name ?? modelName(file);
      if (isGlob) {
        if (explicit.has(name)) continue;
        const other = fromGlob.get(name);
        if (other !== undefined) {
          throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', { fileNameTaken: { source, index, file, name, other } });
        }
        fromGlob.set(name, index);
      }
      out.push({ name, file, entry, index });
    }
  }
  return out;
}

const modelName = (file: string): string => basename(file, extname(file));
