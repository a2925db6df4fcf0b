import { Command } from 'commander';
import { relative } from 'node:path';
import { printResult } from '../src/output.js';

export function initCommand(): Command {
  return new Command('init')
    .description('Write a project that runs: a commented mlserve.yaml, a small example model and its payload, an example JavaScript handler, and the JSON Schema for editors')
    .argument('[dir]', 'folder to write into', '.')
    .option('-f, --force', 'overwrite existing files')
    .option('--json', 'print the files written as JSON')
    .action(async (dir: string, flags: { force?: boolean; json?: boolean }) => {
      const { initProject } = await import('../src/pipeline/init-project.js');
      const result = await initProject(dir, Boolean(flags.force));
      printResult({ json: Boolean(flags.json), value: result, text: (r) => `wrote ${r.files.map((f) => relative(process.cwd(), f)).join(', ')}\nnext: ${r.next}` });
    });
}
