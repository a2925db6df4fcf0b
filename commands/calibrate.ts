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
    .option('--processor <kind>', 'processor to calibrate on: cpu', choiceArg('--processor', ['cpu', 'gpu', 'inf'] as const), 'cpu')
    .option('--family <name>', "family whose util and memory are replaced (default: the profile's measured family, c5)")
    .option('--concurrency <list>', 'concurrency levels of each sweep (default 1,2,4,...,128, stopped early)', listArg)
    .addOption(new Option('--duration <time>', 'measured time per concurrency level').argParser(durationArg('--duration')).default(3000, '3s'))
    .addOption(new Option('--warmup <time>', 'unmeasured load before each sweep').argParser(durationArg('--warmup')).default(1000, '1s'))
    .addOption(new Option('--timeout <time>', 'per-request timeout').argParser(durationArg('--timeout')).default(10_000, '10s'))
    .option('--payload <file>', 'request body for every model (as loadtest --payload)')
    .option('--payload-dir <dir>', 'one body per model, files named after the models')
    .option('--out <file>', 'profiles to write (default: --profiles, rewritten atomically)')
    .option('--from-verify <verify.json>', 'measure nothing: derate the capacity of the models that missed the SLO in `loadtest --verify` (×0.8 each time) and recompute their util')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (flags: CalibrateCliFlags) => {
      if (flags.fromVerify) {
        const { applyVerifyFeedback } = await import('../src/calibrate/verify-feedback.js');
        const r = await applyVerifyFeedback(flags.profiles, flags.fromVerify, flags.out ?? flags.profiles);
        return printResult({ json: Boolean(flags.json), value: r, text: (v) => `derated ${v.derated.map((d) => `${d.name} (×${d.derate}, util ${d.util}%)`).join(', ') || 'nothing'} → ${v.profiles}` });
      }
      const [{ resolveCalibrateOptions }, { runCalibrate }, { calibrateText, calibrateProgressLine }] = await Promise.all([
        import('../src/calibrate/options.js'),
        import('../src/calibrate/run-calibrate.js'),
        import('../src/calibrate/report-text.js'),
      ]);
      const opts = await resolveCalibrateOptions({ ...flags, maxBatchDelayMs: flags.maxBatchDelay, durationMs: flags.duration, warmupMs: flags.warmup, timeoutMs: flags.timeout });
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        const result = await runCalibrate(opts, (e) => process.stderr.write(calibrateProgressLine(e)), abort.signal);
        printResult({ json: Boolean(flags.json), value: result, text: calibrateText });
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
