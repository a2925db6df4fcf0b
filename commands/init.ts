import { Command } from 'commander';
import { printResult } from '../src/output.js';

export function initCommand(): Command {
  return new Command('init')
    .description('Write a commented starter mlserve.yaml, an example JavaScript handler and the JSON Schema for editors')
    .argument('[dir]', 'folder to write into', '.')
    .option('-f, --force', 'overwrite existing files')
    .option('--json', 'print the files written as JSON')
    .action(async (dir: string, flags: { force?: boolean; json?: boolean }) => {
      const { initProject } = await import('../src/pipeline/init-project.js');
      const result = await initProject(dir, Boolean(flags.force));
      printResult({ json: Boolean(flags.json), value: result, text: (r) => `wrote ${r.files.join(', ')}\nnext: edit mlserve.yaml, then run: mlserve pipeline -f mlserve.yaml` });
    });
}
