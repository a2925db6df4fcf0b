// catalog.yaml: instance types mlserve can pack onto. A default ships with mlserve
// (src/pack/default-catalog.yaml); users replace or extend it with --catalog.
import { z } from 'zod';
import { bytesField } from './quantities.js';
import { readYamlFile } from './yaml-file.js';

// Interruption frequency bands as AWS's Spot Instance Advisor publishes them (share of a pool's
// instances reclaimed over the trailing month).
export const interruptionBands = ['<5%', '5-10%', '10-15%', '15-20%', '>20%'] as const;
export type InterruptionBand = (typeof interruptionBands)[number];

/** The spot market of one instance type: a price users paste from AWS, the band, the zones. */
export const spotOfferSchema = z
  .object({
    pricePerHour: z.number().min(0),
    interruption: z.enum(interruptionBands),
    zones: z.array(z.string().min(1)).min(1).optional(), // default: the catalog's spot.zones
    source: z.string().optional(),
  })
  .strict();

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
    spot: spotOfferSchema.optional(), // pack --spot: absent means the type is bought on-demand only
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
    // availability zones a spot pool can be in (instance type × zone), unless a type lists its own
    spot: z.object({ zones: z.array(z.string().min(1)).min(1), source: z.string().optional() }).strict().optional(),
  })
  .strict();

export type Catalog = z.output<typeof catalogSchema>;
export type InstanceType = z.output<typeof instanceTypeSchema>;
export type Family = z.output<typeof familySchema>;
export type SpotOffer = z.output<typeof spotOfferSchema>;

export function readCatalog(path: string): Promise<Catalog> {
  return readYamlFile(catalogSchema, path);
}
