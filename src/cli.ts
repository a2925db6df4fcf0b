#!/usr/bin/env node
// Builds the commander program and runs it. The only module that exits the process.
import { Command, CommanderError } from 'commander';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../commands/index.js';
import { MlsError, toMlsError } from './errors.js';
import { renderErrorJson, renderErrorText } from './output.js';
import { PACKAGE_ROOT } from './paths.js';

export const VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export function buildProgram(): Command {
  const program = new Command('mlserve')
    .description('Build, trace, pack, deploy and load-test many ML models; serve them with a TorchServe/KServe-compatible server.')
    .version(VERSION, '-V, --version')
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  for (const make of COMMANDS) program.addCommand(make());
  applyExitOverride(program);
  return program;
}

function applyExitOverride(cmd: Command): void {
  cmd.exitOverride();
  // Usage errors are printed by main() in the one error format (with MLS_ERR_USAGE), not by commander.
  cmd.configureOutput({ outputError: () => {} });
  for (const sub of cmd.commands) applyExitOverride(sub);
}

/** Runs the CLI with full argv (node, script, ...args) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      const err = new MlsError('MLS_ERR_USAGE', { commander: { reason: e.message.replace(/^error: /, '') } });
      process.stderr.write(renderErrorText(err));
      if (json) process.stdout.write(renderErrorJson(err));
      return err.exitCode;
    }
    const err = toMlsError(e);
    process.stderr.write(renderErrorText(err));
    if (json && !err.reported) process.stdout.write(renderErrorJson(err));
    return err.exitCode;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const code = await main(process.argv);
  // Flush stdout before exiting: a piped stdout may still hold the --json document.
  process.stdout.write('', () => process.exit(code));
}
