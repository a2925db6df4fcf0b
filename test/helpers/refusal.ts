// The MlsError a call refuses with: the error-code tests assert its code, status and wording.
import assert from 'node:assert/strict';
import { MlsError } from '../../src/errors.js';

export async function refusal(f: () => unknown, what = 'nothing was thrown'): Promise<MlsError> {
  try {
    await f();
  } catch (e) {
    assert.ok(e instanceof MlsError, `not an MlsError: ${String(e)}`);
    return e;
  }
  assert.fail(what);
}
