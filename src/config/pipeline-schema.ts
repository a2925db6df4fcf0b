// mlserve.yaml: one file describing the whole build → trace → pack → deploy → test run.
// Unknown keys are rejected everywhere (strict objects) so that a typo is an error, not a default.
import { z } from 'zod';

const duration = z.string().regex(/^\s*(\d+(\.\d+)?|\.\d+)\s*(us|ms|s|m|h)\s*$/, 'a duration with a unit, like 500ms or 10s');
const sloSpec = z.string().regex(/^p\d+(\.\d+)?=\d+(\.\d+)?(us|ms|s)(,errors=\d+(\.\d+)?%)?$/, 'like p90=100ms or p90=100ms,errors=1%');
const size = z.string().regex(/^\s*(\d+(\.\d+)?|\.\d+)\s*([KMGT]i?B|B)\s*$/, 'a size with a unit written exactly as B, KB, MB, GB, TB, KiB, MiB, GiB or TiB (7.4GB, 512MiB)');

export const modelEntrySchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_\-.]*$/, 'letters, digits, _ - . (first a letter or digit)').optional()
      .describe('Model name as served; defaults to the file name without extension (required for a single file, taken per file for globs).'),
    file: z.string().min(1).describe('ONNX model file or glob (relative to mlserve.yaml).'),
    handler: z.string().default('base_handler').describe('Built-in handler name or a JavaScript handler file.'),
    version: z.string().default('1.0'),
    extraFiles: z.array(z.string()).default([]).describe('Extra files copied into the archive (index_to_name.json, ...).'),
    config: z.string().optional().describe('model-config.yaml to put in the archive (TorchServe keys).'),
    batching: z
      .object({ batchSize: z.number().int().min(1).default(1), maxBatchDelay: duration.default('10ms') })
      .strict()
      .optional(),
    replicas: z.number().int().min(1).default(1),
  })
  .strict();

export const pipelineConfigSchema = z
  .object({
    apiVersion: z.literal('mlserve/v1'),
    kind: z.literal('Pipeline'),
    name: z.string().min(1).default('mlserve'),
    output: z.string().default('out').describe('Folder for every intermediate file (relative to mlserve.yaml).'),
    models: z.array(modelEntrySchema).min(1),
    trace: z
      .object({
        processor: z.enum(['cpu', 'gpu', 'inf']).default('cpu'),
        batchSize: z.number().int().min(1).default(1),
        rps: z.number().positive().default(10).describe('Expected requests per second per model (for util).'),
        shapes: z.array(z.string().regex(/^[^=]+=\d+(x\d+)*$/, 'name=1x3x224x224')).default([]),
      })
      .strict()
      .prefault({}),
    calibrate: z
      .object({
        slo: sloSpec.describe('Objective each model is calibrated at (capacity = highest throughput meeting it).'),
        batchSizes: z.array(z.number().int().min(1)).min(1).default([1, 4, 8]),
        workers: z.array(z.number().int().min(1)).min(1).default([1, 2]),
        maxBatchDelay: duration.default('10ms'),
        concurrency: z.array(z.number().int().min(1)).min(1).optional(),
        duration: duration.default('3s').describe('Measured time per concurrency level.'),
        warmup: duration.default('1s'),
      })
      .strict()
      .optional()
      .describe('Optional step between trace and pack: measure each model on a live server (mlserve calibrate).'),
    verify: z
      .object({
        slo: sloSpec.optional().describe('Default: calibrate.slo, else loadtest.slo.'),
        duration: duration.default('5s'),
        warmup: duration.default('1s'),
      })
      .strict()
      .optional()
      .describe('Optional last step: open-loop load at the planned rates (mlserve loadtest --verify).'),
    pack: z
      .object({
        catalog: z.string().optional(),
        instanceTypes: z.array(z.string()).optional(),
        maxMem: size.default('7.4GB'),
        maxUtil: z.number().min(1).max(100).default(83),
        objective: z.enum(['cost', 'count']).default('cost'),
        timeLimit: duration.default('30s'),
        // pack --spot (README "Spot instances"); absent: on-demand only
        spot: z.object({ survive: z.number().int().min(1).default(1), maxShare: z.number().min(0).max(1).default(0.7) }).strict().optional(),
      })
      .strict()
      .prefault({}),
    deploy: z
      .object({
        runtime: z.enum(['local', 'docker', 'kubernetes']).default('local'),
        namespace: z.string().default('mlserve'),
        dryRun: z.boolean().default(false),
        // Servers whose GPU or Neuron device is missing run on the CPU and say so (deploy
        // --allow-cpu-fallback), e.g. an inf1/g4dn plan tried on this machine with runtime: local.
        allowCpuFallback: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    loadtest: z
      .object({
        mode: z.enum(['sweep', 'sequential', 'random']).default('sweep'),
        concurrency: z.array(z.number().int().min(1)).default([1, 2, 4, 8]),
        duration: duration.default('5s'),
        warmup: duration.default('1s'),
        slo: sloSpec.optional(),
        payloadDir: z.string().optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type PipelineConfig = z.output<typeof pipelineConfigSchema>;
export type ModelEntry = z.output<typeof modelEntrySchema>;

export const STEPS = ['archive', 'trace', 'calibrate', 'pack', 'deploy', 'loadtest', 'verify'] as const;
export type StepName = (typeof STEPS)[number];

/** JSON Schema for editors (yaml-language-server, VS Code). */
export function pipelineJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(pipelineConfigSchema, { io: 'input' }) as Record<string, unknown>),
    title: 'mlserve.yaml',
    description: 'mlserve pipeline configuration (build → trace → pack → deploy → test).',
  };
}
