import { Command, Option } from 'commander';
import { choiceArg, durationArg, listArg, numberArg } from '../src/cli-options.js';
import { printResult } from '../src/output.js';

interface CalibrateCliFlags {
  profiles: string;
  slo?: string;
  rpsPerModel?: number;
  batchSizes?: string[];
  workers?: string[];
  maxBatchDelay?: number;
  processor?: 'cpu' | 'gpu' | 'inf';
  family?: string;
  concurrency?: string[];
  duration?: number;
  warmup?: number;
  timeout?: number;
  payload?: string;
  payloadDir?: string;
  out?: string;
  fromVerify?: string;
  plan?: string;
  deployment?: string;
  catalog?: string;
  json?: boolean;
}

export function calibrateCommand(): Command {
  return new Command('calibrate')
    .description("Measure each model's capacity at the SLO on a live local server (batch size × workers × concurrency) and write it into the profiles")
    .requiredOption('--profiles <file>', 'profiles.yaml written by `mlserve trace`')
    .option('--slo <spec>', 'objective each configuration must meet, e.g. p90=100ms (errors=1% unless given); required unless --from-verify')
    .option('--rps-per-model <r>', "expected requests per second of each model (default: the profile's measured.rps)", numberArg('--rps-per-model', 0.001))
    .option('--batch-sizes <list>', 'batch sizes to try (default 1,4,8)', listArg)
    .option('--workers <list>', 'worker processes per model to try (default 1,2)', listArg)
    .addOption(new Option('--max-batch-delay <time>', 'how long a batch waits to fill').argParser(durationArg('--max-batch-delay')).default(10, '10ms'))
    .option('--processor <kind>', 'processor to calibrate on: cpu, gpu or inf (refused when this machine lacks it; the server gets one device)', choiceArg('--processor', ['cpu', 'gpu', 'inf'] as const), 'cpu')
    .option('--family <name>', "family whose util and memory are replaced (default: the profile's measured family, c5, on cpu; its one gpu / inf family otherwise)")
    .option('--catalog <file>', 'instance catalog whose families util is counted for (per vCPU or per processor; default: the shipped one)')
    .option('--concurrency <list>', 'concurrency levels of each sweep (default 1,2,4,...,128, stopped early)', listArg)
    .addOption(new Option('--duration <time>', 'measured time per concurrency level').argParser(durationArg('--duration')).default(3000, '3s'))
    .addOption(new Option('--warmup <time>', 'unmeasured load before each sweep').argParser(durationArg('--warmup')).default(1000, '1s'))
    .addOption(new Option('--timeout <time>', 'per-request timeout').argParser(durationArg('--timeout')).default(10_000, '10s'))
    .option('--payload <file>', 'request body for every model (as loadtest --payload)')
    .option('--payload-dir <dir>', 'one body per model, files named after the models')
    .option('--out <file>', 'profiles to write (default: --profiles, rewritten atomically)')
    .option('--from-verify <verify.json>', 'measure the servers that missed the SLO in `loadtest --verify` again, as deployed and at a share of their planned load, and correct their models\' util (needs --plan, --deployment)')
    .option('--plan <file>', 'with --from-verify: the plan verified')
    .option('--deployment <file>', 'with --from-verify: the deployment verified (still up)')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (flags: CalibrateCliFlags) => {
      const [{ resolveCalibrateOptions, resolveRecalibrateOptions }, text] = await Promise.all([import('../src/calibrate/options.js'), import('../src/calibrate/report-text.js')]);
      const f = { ...flags, maxBatchDelayMs: flags.maxBatchDelay, durationMs: flags.duration, warmupMs: flags.warmup, timeoutMs: flags.timeout };
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        if (flags.fromVerify) {
          const { recalibrateAtPlan } = await import('../src/calibrate/recalibrate-at-plan.js');
          const result = await recalibrateAtPlan(await resolveRecalibrateOptions({ ...f, fromVerify: flags.fromVerify }), (e) => process.stderr.write(text.recalibrateProgressLine(e)), abort.signal);
          return printResult({ json: Boolean(flags.json), value: result, text: text.recalibrateText });
        }
        const { runCalibrate } = await import('../src/calibrate/run-calibrate.js');
        const result = await runCalibrate(await resolveCalibrateOptions(f), (e) => process.stderr.write(text.calibrateProgressLine(e)), abort.signal);
        printResult({ json: Boolean(flags.json), value: result, text: text.calibrateText });
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
