// The error catalog: every failure a user can meet has a stable MLS_ERR_* code. Its entry owns the
// message template (or a few named wordings), the hint (and better ones for some wordings), the CLI
// exit code, the HTTP status and the TorchServe exception type; a throw site passes only the
// template's arguments, typed per code, so a wrong wording or argument name fails tsc. Codes live in src/errors/<area>.ts tables merged here, so each area owns its own
// table while there is one catalog to look codes up in. The CLI, TorchServe and KServe render the
// same MlsError (src/errors/render.ts); docs/errors.md is generated from this catalog.
import { commonErrors } from './errors/common.js';
import { archiveErrors } from './errors/archive.js';
import { serveErrors } from './errors/serve.js';
import { serveHttpErrors } from './errors/serve-http.js';
import { traceErrors } from './errors/trace.js';
import { packErrors } from './errors/pack.js';
import { deployErrors } from './errors/deploy.js';
import { loadtestErrors } from './errors/loadtest.js';
import { pipelineErrors } from './errors/pipeline.js';
import { calibrateErrors } from './errors/calibrate.js';
import type { ErrorSpec } from './errors/spec.js';

export { EXIT, type ErrorSpec } from './errors/spec.js';

export const CATALOG = {
  ...commonErrors,
  ...archiveErrors,
  ...serveErrors,
  ...serveHttpErrors,
  ...traceErrors,
  ...packErrors,
  ...deployErrors,
  ...loadtestErrors,
  ...pipelineErrors,
  ...calibrateErrors,
} satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof CATALOG;

/** The arguments of a code's message template. */
export type ErrorArgs<C extends ErrorCode> = Parameters<(typeof CATALOG)[C]['message']>[0];

export interface MlsErrorOptions {
  cause?: unknown;
  /** Machine-readable context (model name, path, field) shown with --json. */
  details?: Record<string, unknown>;
}

/** A code whose template takes no arguments is thrown with none: `new MlsError('MLS_ERR_X')`. */
type Rest<C extends ErrorCode> = [ErrorArgs<C>] extends [undefined] ? [args?: undefined, opts?: MlsErrorOptions] : [args: ErrorArgs<C>, opts?: MlsErrorOptions];

/** TorchServe's exception type for a status, where the catalog entry names none. */
const TYPE_BY_STATUS: Record<number, string> = {
  400: 'BadRequestException',
  404: 'ResourceNotFoundException',
  405: 'MethodNotAllowedException',
  413: 'RequestEntityTooLargeException',
  503: 'ServiceUnavailableException',
  504: 'RequestTimeoutException',
};

/** A message (and hint) rendered by another mlserve process (MlsError.relayed). */
class Rendered {
  constructor(
    readonly text: string,
    readonly hint?: string,
  ) {}
}

/** The hint of the wording the arguments name (`{ wording: {...} }`), else the code's. */
function hintOf(spec: ErrorSpec, args: unknown): string {
  if (!spec.hints || !args || typeof args !== 'object') return spec.hint;
  const [name, wordingArgs] = Object.entries(args)[0] ?? [];
  const h = name === undefined ? undefined : spec.hints[name];
  if (typeof h === 'function') return (h as (a: unknown) => string | undefined)(wordingArgs) ?? spec.hint;
  return h ?? spec.hint;
}

/** The TorchServe exception type a code answers with. */
export function torchServeType(spec: ErrorSpec): string {
  return spec.type ?? TYPE_BY_STATUS[spec.http ?? 500] ?? 'InternalServerException';
}

export class MlsError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly hint: string;
  readonly exitCode: number;
  readonly httpStatus: number;
  /** TorchServe's exception type (the `type` of its {code, type, message} body). */
  readonly type: string;
  readonly args: ErrorArgs<C> | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** Set by a command that already printed its own --json document for this failure. */
  reported = false;

  constructor(code: C, ...[args, opts = {}]: Rest<C>) {
    const spec: ErrorSpec = CATALOG[code];
    const message = args instanceof Rendered ? args.text : (spec.message as (a: unknown) => string)(args);
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'MlsError';
    this.code = code;
    this.args = args instanceof Rendered ? undefined : args;
    this.hint = args instanceof Rendered ? (args.hint ?? spec.hint) : hintOf(spec, args);
    this.exitCode = spec.exit;
    this.httpStatus = spec.http ?? 500;
    this.type = torchServeType(spec);
    this.details = opts.details;
  }

  /**
   * An error another mlserve process already rendered from this catalog (a child command's --json
   * error, a measuring process, a Python worker's refusal): its message is kept as it came.
   */
  static relayed(code: ErrorCode, message: string, opts: MlsErrorOptions & { hint?: string } = {}): MlsError {
    return new MlsError(code, new Rendered(message, opts.hint) as never, opts);
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

/** The message of anything thrown, for templates that quote a cause. */
export function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Wraps anything thrown into an MlsError; unknown errors become internal errors. */
export function toMlsError(e: unknown): MlsError {
  if (e instanceof MlsError) return e;
  const err = e as NodeJS.ErrnoException;
  const reason = reasonOf(e);
  if (err && typeof err === 'object' && typeof err.code === 'string') {
    if (err.code === 'ENOENT') return new MlsError('MLS_ERR_FILE_NOT_FOUND', { errno: { reason } }, { cause: e });
    if (err.code === 'EACCES' || err.code === 'EPERM') return new MlsError('MLS_ERR_PERMISSION', { reason }, { cause: e });
    if (err.code === 'ENOSPC') return new MlsError('MLS_ERR_DISK_FULL', { errno: { reason } }, { cause: e });
  }
  return new MlsError('MLS_ERR_INTERNAL', { reason }, { cause: e });
}

