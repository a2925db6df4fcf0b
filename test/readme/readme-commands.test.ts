// Every mlserve command the README shows is parsed by the real command-line program (its flags,
// choices, units and argument parsers), so renaming a flag or changing a value format without
// updating the README fails here. What the commands do is tested by each command's own tests and
// by readme-pipeline.test.ts, which runs the README's mlserve.yaml and `mlserve init`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command, Option } from 'commander';
import { buildProgram } from '../../src/cli.js';
import { isSynopsis, mlserveCommands, words } from './readme-blocks.js';

/** The program with every action replaced by a no-op: parsing only. */
function dryProgram(): Command {
  const program = buildProgram();
  const quiet = (c: Command): void => {
    c.action(() => {});
    c.configureOutput({ writeOut: () => {}, writeErr: () => {} });
    c.commands.forEach(quiet);
  };
  program.commands.forEach(quiet);
  return program;
}

function commandFor(program: Command, argv: string[]): { cmd: Command; rest: string[] } {
  let cmd = program;
  let i = 0;
  for (; i < argv.length; i++) {
    const sub = cmd.commands.find((c) => c.name() === argv[i]);
    if (!sub) break;
    cmd = sub;
  }
  return { cmd, rest: argv.slice(i) };
}

/** A synopsis line: every flag it names exists, and every choice it lists (`cost|count`) is accepted. */
function checkSynopsis(line: string): void {
  const { cmd, rest } = commandFor(dryProgram(), words(line.replace(/[[\]]/g, ' ')).slice(1));
  assert.notEqual(cmd.name(), 'mlserve', `${line}: no such command`);
  for (const [i, w] of rest.entries()) {
    if (!w.startsWith('-')) continue;
    const opt = cmd.options.find((o: Option) => o.long === w || o.short === w);
    assert.ok(opt, `${line}: ${cmd.name()} has no option ${w}`);
    const value = rest[i + 1];
    if (opt.required && value && !value.startsWith('-') && value.includes('|')) {
      for (const choice of value.split('|')) assert.doesNotThrow(() => opt.parseArg?.(choice, undefined as never), `${line}: ${w} ${choice}`);
    }
  }
}

const commands = mlserveCommands();

test('the README shows the commands of every subcommand', () => {
  const shown = new Set(commands.map((c) => words(c)[1]));
  for (const c of buildProgram().commands) assert.ok(shown.has(c.name()), `README shows no \`mlserve ${c.name()} ...\``);
  assert.ok(commands.length >= 30, `only ${commands.length} commands found`);
});

for (const line of commands) {
  test(`README: ${line}`, async () => {
    if (isSynopsis(line)) return checkSynopsis(line);
    const argv = words(line).slice(1);
    // A bare `mlserve pack` in prose names a command; lines with arguments must parse.
    if (commandFor(dryProgram(), argv).rest.length === 0) return;
    await dryProgram().parseAsync(argv, { from: 'user' });
  });
}
