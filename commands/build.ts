import { Command } from 'commander';
import { choiceArg } from '../src/cli-options.js';
import { printResult } from '../src/output.js';
import { stderrLogger } from '../src/log.js';

interface BuildFlags {
  processor: 'cpu' | 'gpu' | 'inf';
  tag?: string;
  baseImage?: string;
  out?: string;
  templates?: string;
  build: boolean;
  json?: boolean;
}

export function buildCommand(): Command {
  return new Command('build')
    .description('Render the server image build context for a processor family (Dockerfile, mlserve runtime) and docker build it when an engine is present')
    .requiredOption('--processor <kind>', 'processor family: cpu, gpu or inf', choiceArg('--processor', ['cpu', 'gpu', 'inf'] as const))
    .option('--tag <image>', 'image tag (default mlserve-<processor>:latest)')
    .option('--base-image <image>', 'base image holding node >= 20 (default: the Dockerfile\'s, e.g. node:20-bookworm-slim)')
    .option('--out <dir>', 'build context folder (default build/<processor>)')
    .option('--templates <dir>', 'templates folder to use instead of the built-in one (copy templates/ and edit it)')
    .option('--no-build', 'render the context only, even if Docker is available')
    .option('--json', 'print the result as JSON')
    .action(async (flags: BuildFlags) => {
      const { buildServer } = await import('../src/deploy/build.js');
      const { TEMPLATES_DIR } = await import('../src/paths.js');
      const r = await buildServer({
        processor: flags.processor,
        tag: flags.tag,
        baseImage: flags.baseImage,
        outDir: flags.out ?? `build/${flags.processor}`,
        templatesDir: flags.templates ?? TEMPLATES_DIR,
        noBuild: !flags.build,
        logger: stderrLogger(),
      });
      printResult({
        json: Boolean(flags.json),
        value: r,
        text: (v) =>
          v.built
            ? `built ${v.tag} in ${v.seconds?.toFixed(1)} s (context ${v.context})`
            : `build context ready in ${v.context} (not built: ${v.reason}); build it with:\n  ${v.command}`,
      });
    });
}
