import { Command } from 'commander';
import { choiceArg, intArg } from '../src/cli-options.js';
import { printResult } from '../src/output.js';
import { STEPS, type StepName } from '../src/config/pipeline-schema.js';

interface PipelineFlags {
  file: string;
  from?: StepName;
  to?: StepName;
  runtime?: 'local' | 'docker' | 'kubernetes';
  keep?: boolean;
  force?: boolean;
  loop?: number;
  json?: boolean;
}

export function pipelineCommand(): Command {
  return new Command('pipeline')
    .description('Run archive → trace → [calibrate] → pack → deploy → loadtest → [verify] from one mlserve.yaml (unchanged steps are skipped)')
    .option('-f, --file <path>', 'pipeline configuration', 'mlserve.yaml')
    .option('--from <step>', `first step to run (${STEPS.join(', ')})`, choiceArg('--from', STEPS))
    .option('--to <step>', 'last step to run', choiceArg('--to', STEPS))
    .option('--runtime <runtime>', 'deploy runtime: local, docker or kubernetes (overrides deploy.runtime)', choiceArg('--runtime', ['local', 'docker', 'kubernetes'] as const))
    .option('--keep', 'leave the servers deploy started running')
    .option('--force', 're-run every step even when its inputs are unchanged')
    .option('--loop <n>', 'with calibrate: and verify: in the config, re-calibrate the servers that failed verification (at their planned load), pack, deploy, verify: up to n rounds, while verification fails and the plan changes', intArg('--loop', 1, 20))
    .option('--json', 'print the final summary as JSON on stdout')
    .action(async (flags: PipelineFlags) => {
      const [{ runPipeline }, { summaryText }, views] = await Promise.all([
        import('../src/pipeline/run-pipeline.js'),
        import('../src/pipeline/summary-text.js'),
        import('../src/ui/pipeline-view.js'),
      ]);
      const view = process.stderr.isTTY ? views.inkStepsView() : views.plainStepsView((l) => process.stderr.write(`${l}\n`));
      let outcome;
      try {
        outcome = await runPipeline(
          { configPath: flags.file, keep: flags.keep, force: flags.force, from: flags.from, to: flags.to, runtime: flags.runtime, loop: flags.loop },
          view.update,
        );
      } finally {
        view.done();
      }
      printResult({ json: Boolean(flags.json), value: outcome.result, text: summaryText });
      if (outcome.error) {
        outcome.error.reported = true;
        throw outcome.error;
      }
    });
}
