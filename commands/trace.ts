import { Command, Option } from 'commander';
import { choiceArg, durationArg, intArg, numberArg } from '../src/cli-options.js';
import { printResult } from '../src/output.js';
import type { TraceResult } from '../src/trace/trace-models.js';

interface TraceFlags {
  processor: 'cpu' | 'gpu' | 'inf';
  batchSize: number;
  rps: number;
  example?: string;
  shape: string[];
  out: string;
  optimizedDir?: string;
  writeArchive?: boolean;
  catalog?: string;
  duration: number;
  threads: number;
  timeout: number;
  replicas: string[];
  json?: boolean;
  python?: string;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function traceCommand(): Command {
  return new Command('trace')
    .description('Optimize each model for its target, check it, and measure the memory, latency and processor share packing needs (writes profiles.yaml)')
    .argument('<models...>', 'model archives (.mar, .tar.gz, folder) or ONNX files')
    .option('--processor <kind>', 'target processor: cpu, gpu or inf (measured on the device where one is usable here, through the serve worker paths; estimated from the CPU otherwise)', choiceArg('--processor', ['cpu', 'gpu', 'inf'] as const), 'cpu')
    .option('--batch-size <n>', 'batch size measured besides batch 1', intArg('--batch-size', 1, 4096), 8)
    .option('--rps <r>', 'expected requests per second per model (util is the busy share at this rate)', numberArg('--rps', 0), 10)
    .option('--example <file>', 'JSON file of input tensors to trace with (instead of generated ones); for archives with Python handlers, the request body to send')
    .option('--python <path>', 'Python interpreter for archives with Python handlers (default: MLSERVE_PYTHON, else python3)')
    .option('--shape <name=dims>', 'shape of an input with free dimensions, e.g. x=1x3x224x224 (repeatable)', collect, [])
    .option('-o, --out <file>', 'profiles file to write', 'profiles.yaml')
    .option('--optimized-dir <dir>', 'where optimized models and rebuilt archives go (default: optimized/ next to --out)')
    .option('--write-archive', 'rebuild each archive with its optimized model (into --optimized-dir)')
    .option('--catalog <file>', 'instance catalog holding the families\' scaling rules (default: the bundled catalog)')
    .addOption(new Option('--duration <d>', 'timed window per batch size').argParser(durationArg('--duration')).default(3000, '3s'))
    .option('--threads <n>', 'onnxruntime intra-op threads while measuring', intArg('--threads', 1, 256), 1)
    .addOption(new Option('--timeout <d>', 'time limit for measuring one model').argParser(durationArg('--timeout')).default(600_000, '10m'))
    .option('--replicas <name=n>', 'copies of a model for pack to place, e.g. mlp=2 (repeatable; default 1)', collect, [])
    .option('--json', 'print the result as JSON')
    .action(async (models: string[], flags: TraceFlags) => {
      const { traceModels } = await import('../src/trace/trace-models.js');
      const { parseShapeArg } = await import('../src/trace/input-plan.js');
      const { inkTraceView, plainTraceView } = await import('../src/ui/trace-progress.js');
      const { traceSummaryText } = await import('../src/trace/summary-text.js');
      const { parseReplicasArg } = await import('../src/trace/replicas-arg.js');
      const shapes = Object.fromEntries(flags.shape.map(parseShapeArg));
      const replicas = Object.fromEntries(flags.replicas.map(parseReplicasArg));
      const view = process.stderr.isTTY ? inkTraceView() : plainTraceView((l) => process.stderr.write(`${l}\n`));
      let result: TraceResult;
      try {
        result = await traceModels(
          {
            inputs: models,
            processor: flags.processor,
            batchSize: flags.batchSize,
            rps: flags.rps,
            ...(flags.example ? { examplePath: flags.example } : {}),
            shapes,
            out: flags.out,
            ...(flags.optimizedDir ? { optimizedDir: flags.optimizedDir } : {}),
            writeArchive: Boolean(flags.writeArchive),
            ...(flags.catalog ? { catalogPath: flags.catalog } : {}),
            ...(flags.python ? { python: flags.python } : {}),
            measure: { durationMs: flags.duration, threads: flags.threads, timeoutMs: flags.timeout },
            replicas,
          },
          (e) => view.onEvent(e),
        );
      } finally {
        view.done();
      }
      const first = result.failures[0];
      if (first && models.length === 1) {
        const { MlsError } = await import('../src/errors.js');
        throw MlsError.relayed(first.code as import('../src/errors.js').ErrorCode, first.message, { hint: first.hint, details: first.details ?? { model: first.model ?? first.input } });
      }
      // A partial failure is still a failure document: ok false and the first error, as every command's.
      const value = first ? { ...result, error: { code: first.code, message: first.message, hint: first.hint, exitCode: first.exitCode, details: first.details ?? { model: first.model ?? first.input } } } : result;
      printResult({ json: Boolean(flags.json), value, text: traceSummaryText });
      // Some models failed: the others' profiles were written; the exit code says it was partial.
      if (first) process.exitCode = first.exitCode;
    });
}
