// The registry of subcommands: an explicit list, in the order `mlserve --help` shows them.
// Each entry is a function building one commander Command (one subcommand per file).
import type { Command } from 'commander';

export const COMMANDS: Array<() => Command> = [
];
