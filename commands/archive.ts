// `mlserve archive`: torch-model-archiver's flags → WriteArchiveOptions → writeArchive;
// `mlserve archive inspect <file>`: inspectArchive → manifest and entries.
import { Command } from 'commander';
import { listArg } from '../src/cli-options.js';
import { MlsError } from '../src/errors.js';
import { printResult, table } from '../src/output.js';
import { formatBytes } from '../src/units.js';
import type { ArchiveInfo, WriteArchiveResult } from '../src/archive/types.js';

interface ArchiveFlags {
  modelName?: string;
  version?: string;
  serializedFile?: string;
  modelFile?: string;
  handler?: string;
  extraFiles?: string[];
  runtime?: string;
  exportPath?: string;
  archiveFormat: string;
  force?: boolean;
  requirementsFile?: string;
  configFile?: string;
  json?: boolean;
}

function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined) throw new MlsError('MLS_ERR_USAGE', { flagRequired: { flag } });
  return value;
}

function writtenText(r: WriteArchiveResult): string {
  return `wrote ${r.path} (${r.format}, ${formatBytes(r.bytes)}): ${[...r.files, 'MAR-INF/MANIFEST.json'].join(', ')}`;
}

function inspectText(i: ArchiveInfo): string {
  const m = i.manifest;
  const head = [
    `archive:  ${i.path} (${i.kind}, format ${i.format}, ${formatBytes(i.bytes)}, ${formatBytes(i.uncompressedBytes)} unpacked)`,
    `model:    ${m.model.modelName} ${m.model.modelVersion}, runtime ${m.runtime}, handler ${m.model.handler ?? '(TorchServe default)'} (${i.handlerKind})`,
    `manifest: ${i.style === 'mms' ? "MMS 1.0 model-archiver" : 'torch-model-archiver'}${m.createdOn ? `, created ${m.createdOn}` : ''}${m.archiverVersion ? `, archiver ${m.archiverVersion}` : ''}`,
  ];
  const rows = i.entries.map((e) => [e.path, e.type === 'file' ? formatBytes(e.size) : '', e.type]);
  return `${head.join('\n')}\n\n${JSON.stringify(m, null, 2)}\n\n${table(['entry', 'size', 'type'], rows)}`;
}

function inspectCommand(): Command {
  return new Command('inspect')
    .description('Print the manifest and entries of a model archive (.mar, .tar.gz or folder), after checking it')
    .argument('<file>', 'archive file or no-archive folder')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, _flags: unknown, cmd: Command) => {
      const { inspectArchive } = await import('../src/archive/reader.js');
      // The root parses options before dispatching, so `--json` may land on `archive` itself: take both.
      const json = Boolean(cmd.optsWithGlobals<{ json?: boolean }>().json);
      printResult({ json, value: await inspectArchive(file), text: inspectText });
    });
}

export function archiveCommand(): Command {
  return new Command('archive')
    .description('Package a model into a TorchServe-compatible archive (drop-in for torch-model-archiver 0.12)')
    .option('--model-name <name>', 'exported model name (required); the archive is <export-path>/<model-name>.mar')
    .option('-v, --version <version>', "model's version (required)")
    .option('--serialized-file <path>', 'the model file (.onnx for mlserve and for TorchServe built-in handlers)')
    .option('--model-file <path>', 'Python model definition (TorchServe eager mode only)')
    .option('--handler <handler>', 'built-in handler name (base_handler, image_classifier, text_classifier, object_detector, image_segmenter) or handler file (.py, or .js/.mjs/.cjs for mlserve) (required)')
    .option('--extra-files <list>', 'comma-separated files, folders (contents copied in) or glob patterns', listArg)
    .option('--runtime <runtime>', 'python or python3 (default for Python and built-in handlers), mlserve-js (default for JavaScript handlers)')
    .option('--export-path <dir>', 'folder to write into, created if missing (default: the current folder)')
    .option('--archive-format <format>', 'default (zip, deflated), zip-store (zip, stored), tgz (<model-name>.tar.gz) or no-archive (a folder)', 'default')
    .option('-f, --force', 'overwrite an existing archive of the same name')
    .option('-r, --requirements-file <path>', 'requirements.txt for the model (TorchServe installs it per model)')
    .option('-c, --config-file <path>', 'model-config.yaml (minWorkers, maxWorkers, batchSize, maxBatchDelay, responseTimeout, ...)')
    .option('--json', 'print the result as JSON')
    .addCommand(inspectCommand())
    .action(async (flags: ArchiveFlags) => {
      const { writeArchive, parseArchiveFormat } = await import('../src/archive/writer.js');
      const { progressLine } = await import('../src/archive/progress-line.js');
      const modelName = required(flags.modelName, '--model-name');
      const progress = progressLine(`archiving ${modelName}`);
      try {
        const result = await writeArchive(
          {
            modelName,
            version: required(flags.version, '-v/--version'),
            handler: required(flags.handler, '--handler'),
            serializedFile: flags.serializedFile,
            modelFile: flags.modelFile,
            extraFiles: flags.extraFiles,
            runtime: flags.runtime,
            exportPath: flags.exportPath ?? process.cwd(),
            archiveFormat: parseArchiveFormat(flags.archiveFormat),
            force: Boolean(flags.force),
            requirementsFile: flags.requirementsFile,
            configFile: flags.configFile,
          },
          progress.onProgress,
        );
        progress.done();
        for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
        printResult({ json: Boolean(flags.json), value: result, text: writtenText });
      } catch (e) {
        progress.done();
        throw e;
      }
    });
}
