// The error catalog: every failure a user can meet has a stable MLS_ERR_* code, a message naming
// what went wrong, a hint saying what to do, an exit code and (for the server) an HTTP status.
// Codes live in src/errors/<area>.ts tables merged here, so each area owns its own table while
// there is still one catalog to look codes up in.
import { commonErrors } from './errors/common.js';
import { archiveErrors } from './errors/archive.js';
import { serveErrors } from './errors/serve.js';
import { traceErrors } from './errors/trace.js';
import { packErrors } from './errors/pack.js';
import { deployErrors } from './errors/deploy.js';
import { loadtestErrors } from './errors/loadtest.js';
import { pipelineErrors } from './errors/pipeline.js';
import { calibrateErrors } from './errors/calibrate.js';

export interface ErrorSpec {
  /** Exit code of the CLI when this error ends a command. */
  exit: number;
  /** HTTP status when the server answers with this error. */
  http?: number;
  /** What the user can do about it. */
  hint: string;
}

export const EXIT = {
  ok: 0,
  failure: 1, // the command ran and found a problem (partial failure, SLO missed)
  usage: 2, // bad flags or arguments
  input: 3, // bad input file (model, archive, profile, plan, config)
  io: 4, // file system: cannot read, cannot write, exists
  unavailable: 5, // a tool or engine is missing, a port is taken, a server is down
  timeout: 6,
  internal: 70,
} as const;

export const CATALOG = {
  ...commonErrors,
  ...archiveErrors,
  ...serveErrors,
  ...traceErrors,
  ...packErrors,
  ...deployErrors,
  ...loadtestErrors,
  ...pipelineErrors,
  ...calibrateErrors,
} satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof CATALOG;

export interface MlsErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Machine-readable context (model name, path, field) shown with --json. */
  details?: Record<string, unknown>;
}

export class MlsError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly exitCode: number;
  readonly httpStatus: number;
  readonly details: Record<string, unknown> | undefined;
  /** Set by a command that already printed its own --json document for this failure. */
  reported = false;

  constructor(code: ErrorCode, message: string, opts: MlsErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    const spec: ErrorSpec = CATALOG[code];
    this.name = 'MlsError';
    this.code = code;
    this.hint = opts.hint ?? spec.hint;
    this.exitCode = spec.exit;
    this.httpStatus = spec.http ?? 500;
    this.details = opts.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      hint: this.hint,
      exitCode: this.exitCode,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export function isMlsError(e: unknown): e is MlsError {
  return e instanceof MlsError;
}

/** Wraps anything thrown into an MlsError; unknown errors become internal errors. */
export function toMlsError(e: unknown): MlsError {
  if (e instanceof MlsError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err === 'object' && typeof err.code === 'string') {
    if (err.code === 'ENOENT') return new MlsError('MLS_ERR_FILE_NOT_FOUND', err.message, { cause: e });
    if (err.code === 'EACCES' || err.code === 'EPERM') return new MlsError('MLS_ERR_PERMISSION', err.message, { cause: e });
    if (err.code === 'ENOSPC') return new MlsError('MLS_ERR_DISK_FULL', err.message, { cause: e });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new MlsError('MLS_ERR_INTERNAL', message, { cause: e });
}
