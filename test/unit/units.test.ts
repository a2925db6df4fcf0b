import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBytes, parseDurationMs, parsePercent, formatBytes } from '../../src/units.js';
import { MlsError } from '../../src/errors.js';

test('parseBytes accepts decimal and binary units strictly', () => {
  assert.equal(parseBytes('7.4GB'), 7.4e9);
  assert.equal(parseBytes('7.4GiB'), 7.4 * 1024 ** 3);
  assert.equal(parseBytes('512MiB'), 512 * 1024 ** 2);
  assert.equal(parseBytes('100B'), 100);
  assert.equal(parseBytes('1KB'), 1000);
  // Case-exact, as the README says: 7.4gb and 7.4Mb (megabits?) are refused, not guessed.
  for (const bad of ['7.4', '7.4 G', 'GB', '-1GB', '1e3MB', '7.4GBs', '', '7.4gb', '7.4Mb', '1kb', '512mib', '512MIB']) {
    assert.throws(() => parseBytes(bad), (e: unknown) => e instanceof MlsError && e.code === 'MLS_ERR_INVALID_UNIT', bad);
  }
});

test('parseDurationMs and parsePercent', () => {
  assert.equal(parseDurationMs('30s'), 30_000);
  assert.equal(parseDurationMs('250ms'), 250);
  assert.equal(parseDurationMs('2m'), 120_000);
  assert.equal(parseDurationMs('100us'), 0.1);
  assert.throws(() => parseDurationMs('30'), /not a duration/);
  assert.equal(parsePercent('83'), 83);
  assert.equal(parsePercent('83%'), 83);
  assert.throws(() => parsePercent('120'), /percentage/);
});

test('formatBytes round-trips through parseBytes within 4 significant digits', () => {
  for (const v of [0.3e9, 7.4e9, 512 * 1024 ** 2, 1234, 12]) {
    const back = parseBytes(formatBytes(v));
    assert.ok(Math.abs(back - v) / v < 1e-3, `${v} -> ${formatBytes(v)} -> ${back}`);
  }
});
