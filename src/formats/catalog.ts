// catalog.yaml: instance types mlserve can pack onto. A default ships with mlserve
// (src/pack/default-catalog.yaml); users replace or extend it with --catalog.
import { z } from 'zod';
import { bytesField } from './quantities.js';
import { readYamlFile } from './yaml-file.js';

export const instanceTypeSchema = z
  .object({
    family: z.string().min(1), // processor family: inf1, g4dn, c5 — the key into profile resources
    processors: z.number().int().min(1), // Inferentia chips, GPUs, or CPU sockets treated as one processor
    processorMemory: bytesField, // memory per processor
    hostMemory: bytesField,
    // host memory the OS, container runtime and server process keep for themselves; models get
    // hostMemory − reservedHostMemory
    reservedHostMemory: bytesField.optional(),
    vcpus: z.number().int().min(1),
    pricePerHour: z.number().min(0),
    source: z.string().optional(),
  })
  .strict();

/** How to estimate a family that cannot be measured here from a measured one. */
export const familyScalingSchema = z
  .object({
    from: z.string(), // measured family the estimate starts from (e.g. cpu / c5)
    memoryFactor: z.number().positive(),
    utilFactor: z.number().positive(),
    latencyFactor: z.number().positive().optional(),
    source: z.string().optional(),
  })
  .strict();

export const familySchema = z
  .object({
    scaling: familyScalingSchema.optional(),
    // What a profile's `util` is a percentage of. `processor` (default): one accelerator, capped
    // at --max-util. `vcpu`: one core (as trace measures CPUs), so a CPU instance, packed as one
    // processor, holds vcpus × --max-util of it; --max-mem (an accelerator-memory cap) does not
    // apply, the host memory binds instead.
    utilPer: z.enum(['processor', 'vcpu']).optional(),
    source: z.string().optional(),
  })
  .strict();

export const catalogSchema = z
  .object({
    apiVersion: z.literal('mlserve/v1'),
    kind: z.literal('InstanceCatalog'),
    instanceTypes: z.record(z.string(), instanceTypeSchema),
    families: z.record(z.string(), familySchema).default({}),
  })
  .strict();

export type Catalog = z.output<typeof catalogSchema>;
export type InstanceType = z.output<typeof instanceTypeSchema>;
export type Family = z.output<typeof familySchema>;

export function readCatalog(path: string): Promise<Catalog> {
  return readYamlFile(catalogSchema, path);
}
