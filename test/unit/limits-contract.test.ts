// The server limits' contract, as test/unit/error-contract.test.ts is the error codes': every row of
// LIMITS (src/serve/limits.ts) reaches the serve options with its default, is read by the server,
// is named by a test (which sets it short or checks it on a FakeClock), and is in the generated
// table of src/serve/DESIGN.md. A new row fails here until all four hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LIMITS, limitsTable } from '../../src/serve/limits.js';
import { defaultOptions } from '../../src/serve/config.js';

const ROOT = process.cwd();
const ROWS = Object.entries(LIMITS).flatMap(([group, g]) => Object.keys(g.specs).map((name) => ({ group: group as keyof typeof LIMITS, name })));

/** The TypeScript text under `dir`, comments left out (a limit named in a comment is not read). */
function code(dir: string, skip: (p: string) => boolean): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (skip(p)) continue;
    if (statSync(p).isDirectory()) out += code(p, skip);
    else if (/\.tsx?$/.test(name)) out += readFileSync(p, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '');
  }
  return out;
}

test('every limit reaches the serve options with its default', () => {
  const opts = defaultOptions();
  for (const [group, g] of Object.entries(LIMITS)) {
    const given = opts[group as keyof typeof LIMITS] as Record<string, unknown>;
    assert.deepEqual(Object.keys(given).sort(), Object.keys(g.specs).sort(), `ServeOptions.${group}`);
    for (const [name, spec] of Object.entries(g.specs)) assert.deepEqual(given[name], spec.default, `${group}.${name}`);
  }
});

test('every limit is read by the server (src/serve, outside limits.ts)', () => {
  const product = code(join(ROOT, 'src', 'serve'), (p) => p.endsWith('limits.ts') && !p.endsWith('worker-limits.ts'));
  const unread = ROWS.filter(({ name }) => !new RegExp(`\\b${name}\\b`).test(product)).map(({ group, name }) => `${group}.${name}`);
  assert.deepEqual(unread, [], 'limits nothing reads: use them where they apply, or remove the row');
});

test('every limit is named by a test', () => {
  const tests = code(join(ROOT, 'test'), (p) => p.endsWith('limits-contract.test.ts'));
  const untested = ROWS.filter(({ name }) => !new RegExp(`\\b${name}\\b`).test(tests)).map(({ group, name }) => `${group}.${name}`);
  assert.deepEqual(untested, [], 'limits no test sets or checks: test each on a FakeClock with a short value');
});

test("src/serve/DESIGN.md holds the generated limits table (run `npm run limits:doc`)", () => {
  const design = readFileSync(join(ROOT, 'src', 'serve', 'DESIGN.md'), 'utf8');
  assert.ok(design.includes(`-->\n${limitsTable()}\n<!-- limits:end -->`), 'the table is stale: npm run limits:doc');
});
