import { Command, Option } from 'commander';
import { choiceArg, durationArg, intArg, listArg } from '../src/cli-options.js';
import { printResult } from '../src/output.js';

interface LoadtestCliFlags {
  deployment?: string;
  url?: string;
  models?: string[];
  mode?: 'sweep' | 'sequential' | 'random';
  concurrency?: string[];
  concurrencyRange?: string;
  duration?: number;
  warmup?: number;
  timeout?: number;
  payload?: string;
  payloadDir?: string;
  slo?: string;
  seed?: number;
  out?: string;
  verify?: string;
  json?: boolean;
}

export function loadtestCommand(): Command {
  return new Command('loadtest')
    .description('Load-test deployed models: concurrency sweep with exact P50/P90/P95/P99 and the SLO knee, or sequential/random baselines')
    .option('--deployment <file>', 'deployment.yaml written by `mlserve deploy`')
    .option('--url <url>', 'base URL of an inference API (http://127.0.0.1:8080); name models with --models')
    .option('--models <a,b|all>', 'models to test (default: all in the deployment; with --url, all = the server\'s model list)', listArg)
    .option('--mode <mode>', 'sweep, sequential or random', choiceArg('--mode', ['sweep', 'sequential', 'random'] as const), 'sweep')
    .option('--concurrency <list>', 'concurrency levels to sweep: 1,2,4,8', listArg)
    .option('--concurrency-range <start:end:step>', 'levels as a range; step +N or xN (default 1:256:x2)')
    .addOption(new Option('--duration <time>', 'measured time per level').argParser(durationArg('--duration')).default(10_000, '10s'))
    .addOption(new Option('--warmup <time>', 'unmeasured load before the first level (0s to skip)').argParser(durationArg('--warmup')).default(2000, '2s'))
    .addOption(new Option('--timeout <time>', 'per-request timeout (whole seconds, at least 1s)').argParser(durationArg('--timeout')).default(30_000, '30s'))
    .option('--payload <file>', 'request body for every model: .json (KServe v2 if it has "inputs"), image (multipart), other (raw bytes); default: random tensors from each model\'s /v2/models/{m} inputs (seeded)')
    .option('--payload-dir <dir>', 'one body per model, files named after the models (resnet.json, bert.bin)')
    .option('--slo <spec>', 'objective, e.g. p90=100ms or p99=250ms,errors=1%; exit code 1 when no level meets it')
    .option('--seed <n>', 'seed of the random mode and of generated request data (default 1)', intArg('--seed', 0, 2 ** 32 - 1))
    .option('--out <dir>', 'folder for report.json, report.csv, report.svg (default loadtest-results/<time>)')
    .option('--verify <plan>', 'open-loop run of the deployment at the request rates of plan.yaml (--duration, --warmup, --slo); exit 1 naming the servers that miss the SLO')
    .option('--json', 'print the report as JSON on stdout')
    .action(async (flags: LoadtestCliFlags) => {
      if (flags.verify) {
        const { verifyCommandRun } = await import('../src/loadtest/verify-command.js');
        return verifyCommandRun({ ...flags, plan: flags.verify, durationMs: flags.duration, warmupMs: flags.warmup, timeoutMs: flags.timeout });
      }
      const [{ resolveLoadtestOptions }, { runLoadtest }, { writeReports }, { reportText }, { createLoadtestProgress }, { MlsError }] =
        await Promise.all([
          import('../src/loadtest/options.js'),
          import('../src/loadtest/run-loadtest.js'),
          import('../src/loadtest/write-reports.js'),
          import('../src/loadtest/report-table.js'),
          import('../src/ui/loadtest-progress.js'),
          import('../src/errors.js'),
        ]);
      const opts = await resolveLoadtestOptions({ ...flags, durationMs: flags.duration, warmupMs: flags.warmup, timeoutMs: flags.timeout });
      const outDir = flags.out ?? `loadtest-results/${new Date().toISOString().replace(/[:.]/g, '-')}`;
      const progress = createLoadtestProgress({ tty: Boolean(process.stderr.isTTY) });
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      let report;
      try {
        report = await runLoadtest(opts, (e) => progress.onEvent(e), abort.signal);
      } finally {
        progress.close();
        process.removeListener('SIGINT', onSigint);
      }
      const files = await writeReports(report, outDir);
      const json = Boolean(flags.json);
      if (report.failure) {
        throw new MlsError('MLS_ERR_LOADTEST_ALL_ERRORS', report.failure.args, { details: { files, failure: report.failure } });
      }
      if (report.slo && !report.knee) {
        if (!json) printResult({ json, value: report, text: (r) => reportText(r, outDir) });
        throw new MlsError('MLS_ERR_SLO_NOT_MET', { percentile: report.slo.percentile, thresholdMs: report.slo.thresholdMs }, {
          details: {
            files,
            levels: report.levels.map((l) => ({ concurrency: l.concurrency, throughput: l.throughput, latencyMs: l.latencyMs, errorRate: l.errorRate })),
          },
        });
      }
      printResult({ json, value: { ...report, files }, text: (r) => reportText(r, outDir) });
    });
}
