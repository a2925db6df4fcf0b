// A missing input is either the user's own file (named in mlserve.yaml: a model, an extra file, a
// handler, a catalog) or the output of an earlier step that has not run; the two need different advice.
import { relative, resolve, sep } from 'node:path';
import { MlsError } from '../errors.js';
import type { LoadedPipelineConfig } from '../config/load-pipeline-config.js';

/** The mlserve.yaml key that names a user file, e.g. `models.0.file`. */
export function userFileKey(cfg: LoadedPipelineConfig, file: string): string | undefined {
  const abs = resolve(file);
  for (const m of cfg.models) {
    if (m.file === abs) return `models.${m.index}.file`;
    if (m.entry.extraFiles.some((f) => resolve(cfg.dir, f) === abs)) return `models.${m.index}.extraFiles`;
    if (m.entry.handler.endsWith('.js') && resolve(cfg.dir, m.entry.handler) === abs) return `models.${m.index}.handler`;
    if (m.entry.config && resolve(cfg.dir, m.entry.config) === abs) return `models.${m.index}.config`;
  }
  if (cfg.config.pack.catalog && resolve(cfg.dir, cfg.config.pack.catalog) === abs) return 'pack.catalog';
  if (cfg.config.loadtest.payloadDir && resolve(cfg.dir, cfg.config.loadtest.payloadDir) === abs) return 'loadtest.payloadDir';
  return undefined;
}

export function missingInputError(cfg: LoadedPipelineConfig, step: string, file: string): MlsError {
  const abs = resolve(file);
  const inOutput = abs === cfg.outDir || abs.startsWith(cfg.outDir + sep);
  const key = userFileKey(cfg, abs);
  const shown = relative(process.cwd(), abs) || '.';
  if (!inOutput || key) {
    return new MlsError('MLS_ERR_PIPELINE_FILE_NOT_FOUND', { path: cfg.path, key: key ?? 'input', shown }, {
      details: { step, file: abs, ...(key ? { key } : {}) },
    });
  }
  return new MlsError('MLS_ERR_PIPELINE_MISSING_INPUT', { step, shown }, { details: { step, missing: [abs] } });
}
