import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG, MlsError, toMlsError } from '../../src/errors.js';

test('every catalog entry has a code of the MLS_ERR_ form, a hint and an exit code', () => {
  for (const [code, spec] of Object.entries(CATALOG)) {
    assert.match(code, /^MLS_ERR_[A-Z0-9_]+$/);
    assert.ok(spec.hint.length > 10, `${code} hint`);
    assert.ok(Number.isInteger(spec.exit) && spec.exit > 0 && spec.exit < 256, `${code} exit`);
    const http = (spec as { http?: number }).http;
    if (http !== undefined) assert.ok(http >= 400 && http < 600, `${code} http`);
  }
});

test('errno errors map to file codes; unknown errors become internal', () => {
  const enoent = Object.assign(new Error('nope'), { code: 'ENOENT' });
  assert.equal(toMlsError(enoent).code, 'MLS_ERR_FILE_NOT_FOUND');
  assert.equal(toMlsError(new TypeError('x')).code, 'MLS_ERR_INTERNAL');
  const e = new MlsError('MLS_ERR_USAGE', { flagRequired: { flag: '--bad' } });
  assert.equal(toMlsError(e), e);
  assert.equal(e.exitCode, 2);
});
