// Pulls the examples out of README.md, so the tests run what a reader copies: fenced code blocks
// by language, the `mlserve ...` commands in them (continuations joined, comments dropped) and the
// ones quoted inline in tables and text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.js';

export const README = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');

export function codeBlocks(lang: string, text = README): string[] {
  const out: string[] = [];
  const re = /^```(\w*)\n([\s\S]*?)^```/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) if (m[1] === lang) out.push(m[2]!);
  return out;
}

/** Every `mlserve ...` line of the sh blocks and every inline `mlserve ...` quote with arguments. */
export function mlserveCommands(text = README): string[] {
  const lines = codeBlocks('sh', text)
    .join('\n')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l.startsWith('mlserve '));
  const inline = [...text.matchAll(/`(mlserve [^`]+)`/g)].map((m) => m[1]!.trim());
  return [...new Set([...lines, ...inline])];
}

/** Splits a command line into words (double and single quotes kept together). */
export function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** A synopsis shows choices (`a|b`) or optional parts (`[--x]`) rather than one runnable command. */
export function isSynopsis(line: string): boolean {
  return /\[|\|/.test(line.replace(/"[^"]*"/g, ''));
}
