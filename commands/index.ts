// The registry of subcommands: an explicit list, in the order `mlserve --help` shows them.
// Each entry is a function building one commander Command (one subcommand per file).
import type { Command } from 'commander';
import { archiveCommand } from './archive.js';
import { initCommand } from './init.js';
import { pipelineCommand } from './pipeline.js';
import { traceCommand } from './trace.js';
import { packCommand } from './pack.js';
import { calibrateCommand } from './calibrate.js';
import { loadtestCommand } from './loadtest.js';
import { serveCommand } from './serve.js';
import { buildCommand } from './build.js';
import { deployCommand } from './deploy.js';

export const COMMANDS: Array<() => Command> = [
  archiveCommand,
  traceCommand,
  calibrateCommand,
  packCommand,
  buildCommand,
  deployCommand,
  loadtestCommand,
  serveCommand,
  pipelineCommand,
  initCommand,
];
