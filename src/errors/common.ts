import type { ErrorSpec } from '../errors.js';

export const commonErrors = {
  MLS_ERR_INTERNAL: {
    exit: 70,
    http: 500,
    hint: 'This is a bug in mlserve. Please report it with the command you ran and this message.',
  },
  MLS_ERR_USAGE: { exit: 2, http: 400, hint: 'Run the command with --help to see its flags.' },
  MLS_ERR_INVALID_UNIT: {
    exit: 2,
    http: 400,
    hint: 'Sizes take a unit (512MiB, 7.4GB, 7.4GiB); durations take one too (250ms, 30s, 2m).',
  },
  MLS_ERR_FILE_NOT_FOUND: { exit: 4, http: 404, hint: 'Check the path; relative paths are taken from the current folder.' },
  MLS_ERR_PERMISSION: { exit: 4, http: 500, hint: 'Check the permissions of the file and its folder.' },
  MLS_ERR_DISK_FULL: { exit: 4, http: 507, hint: 'Free some disk space; the previous file, if any, was left intact.' },
  MLS_ERR_OUTPUT_EXISTS: { exit: 4, hint: 'Pass --force to overwrite it, or choose another output path.' },
  MLS_ERR_INVALID_YAML: { exit: 3, http: 400, hint: 'Fix the YAML syntax at the line shown.' },
  MLS_ERR_INVALID_FILE_FORMAT: {
    exit: 3,
    http: 400,
    hint: 'The file does not match its schema; fix the fields named (path.to.key: message).',
  },
  MLS_ERR_TOOL_MISSING: { exit: 5, hint: 'Install the tool or put it on PATH.' },
  MLS_ERR_CHILD_PROCESS: { exit: 1, hint: 'The command it ran failed; its output is shown above.' },
  MLS_ERR_INTERRUPTED: { exit: 130, hint: 'The command was interrupted; partial outputs were not kept.' },
} satisfies Record<string, ErrorSpec>;
