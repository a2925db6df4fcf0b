// profiles.yaml (trace → pack): what packing needs of each model, per processor family.
import { z } from 'zod';
import { bytesField } from './quantities.js';
import { readYamlFile, writeYamlFile } from './yaml-file.js';
import { formatBytes } from '../units.js';

export const PROFILES_API_VERSION = 'mlserve/v1';

/** One processor family's needs. Dimensions are open-ended: extra numeric keys are kept. */
export const resourceSchema = z
  .object({
    memory: bytesField, // processor (accelerator or CPU) memory the model adds
    util: z.number().min(0), // % of one processor busy at the expected request rate
    hostMemory: bytesField.optional(), // host RAM the server needs for this model
    estimated: z.boolean().optional(), // true when scaled from another family, not measured
  })
  .catchall(z.union([z.number(), z.string(), z.boolean()]));

const latencyStatsSchema = z.object({ p50Ms: z.number(), p90Ms: z.number(), p95Ms: z.number().optional(), p99Ms: z.number().optional() }).catchall(z.unknown());

/** The server configuration calibrate chose (batching is also written into the model's model-config). */
export const calibratedConfigSchema = z
  .object({ batchSize: z.number().int().min(1), maxBatchDelay: z.number().min(0), workers: z.number().int().min(1), concurrency: z.number().int().min(1) })
  .catchall(z.unknown());

/**
 * How trace measured a model (mlserve trace writes it; readers may ignore it). Known keys are typed,
 * others are kept: sizes are written with units, times in milliseconds.
 */
export const measuredSchema = z
  .object({
    source: z.string().optional(), // the archive or .onnx traced
    optimizedModel: z.string().optional(), // the optimized .onnx saved
    processor: z.enum(['cpu', 'gpu', 'inf']).optional(), // --processor
    graphOptimization: z.string().optional(), // onnxruntime level: all (cpu) or extended (portable)
    family: z.string().optional(), // the family measured here (c5)
    host: z.object({ cpu: z.string(), logicalCpus: z.number(), threads: z.number() }).catchall(z.unknown()).optional(),
    rps: z.number().optional(), // the request rate util was computed at
    loadMs: z.number().optional(), // session creation in a warm process
    memory: z.record(z.string(), z.union([z.string(), z.number()])).optional(), // afterLoad, peakLoad, peakInference, runtimeOnce
    busyMsPerRequest: z.number().optional(), // processor time per batch-1 request
    batch: latencyStatsSchema.partial().extend({ size: z.number() }).optional(), // figures at --batch-size
    maxAbsDiff: z.number().optional(), // optimized vs original outputs
    basis: z.enum(['traced', 'calibrated']).optional(), // calibrated: util and memory measured on a live server at the SLO
    capacity: z.number().min(0).optional(), // calibrate: highest requests/s meeting the SLO (measured.config)
    config: calibratedConfigSchema.optional(), // calibrate: the configuration that reached it
    calibration: z.object({ version: z.number().int().min(1), at: z.string(), slo: z.string() }).catchall(z.unknown()).optional(),
  })
  .catchall(z.unknown());

export const modelProfileSchema = z
  .object({
    name: z.string().min(1),
    archive: z.string().optional(),
    replicas: z.number().int().min(1).default(1),
    resources: z.record(z.string(), resourceSchema).refine((r) => Object.keys(r).length > 0, 'needs at least one family'),
    latency: z.record(z.string(), z.number()).optional(),
    measured: measuredSchema.optional(),
  })
  .strict();

export const profilesSchema = z
  .object({
    apiVersion: z.literal(PROFILES_API_VERSION),
    kind: z.literal('ModelProfiles'),
    createdAt: z.string().optional(),
    models: z.array(modelProfileSchema),
  })
  .strict();

export type ModelProfiles = z.output<typeof profilesSchema>;
export type ModelProfile = z.output<typeof modelProfileSchema>;
export type ResourceNeeds = z.output<typeof resourceSchema>;
export type MeasuredDetails = z.output<typeof measuredSchema>;

export function readProfiles(path: string): Promise<ModelProfiles> {
  return readYamlFile(profilesSchema, path);
}

/** Writes sizes back with units so that people can read the file. */
export function profilesToDocument(p: ModelProfiles): Record<string, unknown> {
  return {
    apiVersion: PROFILES_API_VERSION,
    kind: 'ModelProfiles',
    ...(p.createdAt ? { createdAt: p.createdAt } : {}),
    models: p.models.map((m) => ({
      ...m,
      resources: Object.fromEntries(
        Object.entries(m.resources).map(([fam, r]) => [
          fam,
          { ...r, memory: formatBytes(r.memory), ...(r.hostMemory !== undefined ? { hostMemory: formatBytes(r.hostMemory) } : {}) },
        ]),
      ),
    })),
  };
}

export function writeProfiles(path: string, p: ModelProfiles): Promise<void> {
  return writeYamlFile(path, profilesToDocument(p));
}
