import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { buildProgram } from '../../src/cli.js';

test('mlserve --version prints the package version', async () => {
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+/);
});

test('mlserve --help lists every registered subcommand', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  for (const c of buildProgram().commands) assert.ok(r.stdout.includes(c.name()), c.name());
});

test('every subcommand has help and exits 0 for --help', async () => {
  for (const c of buildProgram().commands) {
    const r = await runCli([c.name(), '--help']);
    assert.equal(r.code, 0, `${c.name()} --help: ${r.stderr}`);
    assert.match(r.stdout, /Usage: mlserve/);
  }
});

test('an unknown subcommand is a usage error with exit code 2 and a JSON error under --json', async () => {
  const r = await runCli(['no-such-command', '--json']);
  assert.equal(r.code, 2);
  const doc = JSON.parse(r.stdout) as { ok: boolean; error: { code: string } };
  assert.equal(doc.ok, false);
  assert.equal(doc.error.code, 'MLS_ERR_USAGE');
});

test('a subcommand may own --version (torch-model-archiver’s -v/--version) without the root printing its own', async () => {
  const r = await runCli(['archive', '--version', '1.0', '--help']);
  assert.equal(r.code, 0);
  assert.doesNotMatch(r.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

test('text-mode usage errors print the MLS_ERR_USAGE code on stderr (unknown command, unknown flag, missing argument)', async () => {
  for (const args of [['no-such-command'], ['pack', '--bogus'], ['archive', 'inspect']]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^error MLS_ERR_USAGE: /m, args.join(' '));
    assert.match(r.stderr, /^hint: /m);
    assert.equal(r.stdout, '');
  }
});

test('every --json success document says ok: true', async () => {
  const { jsonDocument } = await import('../../src/output.js');
  assert.deepEqual(jsonDocument({ files: [] }), { ok: true, files: [] });
  assert.deepEqual(jsonDocument({ ok: false, error: {} }), { ok: false, error: {} });
  const r = await runCli(['pack', '--profiles', '/nonexistent/profiles.yaml', '--max-mem', '7.4gb', '--json']);
  assert.equal(r.code, 2);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.ok, false);
  assert.equal(doc.error.code, 'MLS_ERR_INVALID_UNIT');
  assert.match(doc.error.message, /^--max-mem: "7\.4gb"/);
});
