import type { ErrorSpec } from '../errors.js';

// Codes of the pipeline area. Add new codes here; tests assert codes, not wording.
export const pipelineErrors = {
  MLS_ERR_PIPELINE_CONFIG_NOT_FOUND: {
    exit: 3,
    hint: 'Pass -f path/to/mlserve.yaml, or run `mlserve init` to write a starter file.',
  },
  MLS_ERR_PIPELINE_STEP_UNAVAILABLE: {
    exit: 5,
    hint: 'This step is not available in this build of mlserve; run the pipeline with --to the step before it.',
  },
  MLS_ERR_PIPELINE_BAD_RANGE: { exit: 2, hint: 'Steps run in the order archive, trace, pack, deploy, loadtest; --from must not come after --to.' },
  MLS_ERR_PIPELINE_MISSING_INPUT: {
    exit: 3,
    hint: 'An earlier step has not produced this file yet: run the pipeline from an earlier step (--from).',
  },
  MLS_ERR_PIPELINE_FILE_NOT_FOUND: {
    exit: 4,
    hint: 'This is a file you provide: put it at that path, or change the path in mlserve.yaml (paths are relative to the folder of mlserve.yaml).',
  },
  MLS_ERR_INIT_EXISTS: { exit: 4, hint: 'Pass --force to overwrite, or run `mlserve init` in another folder.' },
} satisfies Record<string, ErrorSpec>;
