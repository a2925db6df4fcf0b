import { EXIT, type Arg, type ErrorSpec } from './spec.js';

// Codes of the pipeline area. Add new codes here; tests assert codes, not wording.
export const pipelineErrors = {
  MLS_ERR_PIPELINE_CONFIG_NOT_FOUND: {
    message: (a: { path: Arg }) => `${a.path} does not exist`,
    exit: EXIT.input,
    hint: 'Pass -f path/to/mlserve.yaml, or run `mlserve init` to write a starter file.',
  },
  MLS_ERR_PIPELINE_BAD_RANGE: {
    message: (a: { from: Arg; to: Arg }) => `--from ${a.from} comes after --to ${a.to}`,
    exit: EXIT.usage,
    hint: 'Steps run in the order archive, trace, pack, deploy, loadtest; --from must not come after --to.',
  },
  MLS_ERR_PIPELINE_MISSING_INPUT: {
    message: (a: { step: Arg; shown: Arg }) => `step ${a.step}: missing input ${a.shown} (written by an earlier step)`,
    exit: EXIT.input,
    hint: 'An earlier step has not produced this file yet: run the pipeline from an earlier step (--from).',
  },
  MLS_ERR_PIPELINE_FILE_NOT_FOUND: {
    message: (a: { path: Arg; key: Arg; shown: Arg }) => `${a.path}: ${a.key}: ${a.shown} does not exist`,
    exit: EXIT.io,
    hint: 'This is a file you provide: put it at that path, or change the path in mlserve.yaml (paths are relative to the folder of mlserve.yaml).',
  },
  MLS_ERR_INIT_EXISTS: {
    message: (a: { existing: Arg; plural: Arg }) => `${a.existing} already exist${a.plural}`,
    exit: EXIT.io,
    hint: 'Pass --force to overwrite, or run `mlserve init` in another folder.',
  },
} satisfies Record<string, ErrorSpec>;
