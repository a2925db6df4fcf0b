// The progress line the archive command shows on stderr: a line per 10% when stderr is not a
// terminal, one rewritten line on a terminal, nothing for small inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressLine } from '../../src/archive/progress-line.js';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: '', write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

const MB = 1e6;

test('not a terminal: one line per tenth of the way', () => {
  const out = fakeStream(false);
  const p = progressLine('archiving big', out, 10 * MB);
  for (let b = 0; b <= 100 * MB; b += MB) p.onProgress({ bytes: b, totalBytes: 100 * MB });
  p.done();
  const lines = out.text.trim().split('\n');
  assert.equal(lines.length, 11);
  assert.equal(lines[5], 'archiving big: 50MB of 100MB (50%)');
  assert.equal(lines[10], 'archiving big: 100MB of 100MB (100%)');
});

test('a terminal: the line is rewritten in place and ended once', () => {
  const out = fakeStream(true);
  const p = progressLine('archiving big', out, 10 * MB);
  p.onProgress({ bytes: 100 * MB, totalBytes: 100 * MB });
  p.done();
  assert.equal(out.text, '\rarchiving big: 100MB of 100MB (100%)\x1b[K\n');
});

test('small inputs print nothing', () => {
  const out = fakeStream(false);
  const p = progressLine('archiving small', out, 10 * MB);
  p.onProgress({ bytes: MB, totalBytes: MB });
  p.done();
  assert.equal(out.text, '');
});
