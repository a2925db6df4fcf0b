// Three renderings of the same MlsError: the CLI's (text on stderr, a JSON document with --json),
// TorchServe's {code, type, message} and KServe's {error}. Nothing else builds an error body.
import { MlsError, reasonOf } from '../errors.js';

export function renderErrorText(err: MlsError): string {
  const lines = [`error ${err.code}: ${err.message}`];
  if (err.hint) lines.push(`hint: ${err.hint}`);
  if (err.code === 'MLS_ERR_INTERNAL' && err.cause instanceof Error && err.cause.stack) {
    lines.push(err.cause.stack);
  }
  return `${lines.join('\n')}\n`;
}

export function renderErrorJson(err: MlsError): string {
  return `${JSON.stringify({ ok: false, error: err.toJSON() }, null, 2)}\n`;
}

/** TorchServe's error body, pretty-printed as its Gson output is. */
export function torchServeBody(err: MlsError): Buffer {
  return Buffer.from(JSON.stringify({ code: err.httpStatus, type: err.type, message: err.message }, null, 2));
}

/** KServe's (and the Open Inference Protocol's) error body. */
export function kserveBody(err: MlsError): Buffer {
  return Buffer.from(JSON.stringify({ error: err.message }));
}

/**
 * Anything thrown while answering a request, as an MlsError: a bad percent-encoding is the
 * client's fault (400); anything not coded is the server's (500, as TorchServe's
 * InternalServerException), a file system error included.
 */
export function serverError(e: unknown): MlsError {
  if (e instanceof MlsError) return e;
  if (e instanceof URIError) return new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { percentEncoding: {} });
  return new MlsError('MLS_ERR_INTERNAL', { reason: reasonOf(e) }, { cause: e });
}
