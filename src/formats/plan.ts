// plan.yaml (pack → deploy, loadtest): the instances chosen, one server per processor, the models
// on each server, the objective, the lower bound and whether the plan is proven optimal.
import { z } from 'zod';
import { bytesField } from './quantities.js';
import { readYamlFile, writeYamlFile } from './yaml-file.js';
import { formatBytes } from '../units.js';

export const plannedModelSchema = z
  .object({
    name: z.string().min(1),
    archive: z.string().optional(),
    replica: z.number().int().min(0).default(0), // which copy of the model this is (0-based)
    memory: bytesField,
    util: z.number().min(0),
    hostMemory: bytesField.optional(),
    basis: z.enum(['traced', 'calibrated']).optional(), // where util and memory came from (profiles' measured.basis)
    rps: z.number().min(0).optional(), // the request rate util was computed at: what `loadtest --verify` sends
  })
  .strict();

export const plannedServerSchema = z
  .object({
    name: z.string().min(1), // unique across the plan: used for container and Service names
    processor: z.number().int().min(0), // index of the processor on its instance
    memory: bytesField, // sum over its models
    util: z.number().min(0),
    models: z.array(plannedModelSchema),
  })
  .strict();

export const plannedInstanceSchema = z
  .object({
    id: z.string().min(1),
    type: z.string().min(1),
    family: z.string().min(1),
    pricePerHour: z.number().min(0),
    processors: z.number().int().min(1).optional(), // the type's processors (servers ≤ processors)
    // pack --spot: how the instance is bought, and its spot pool (instance type × zone)
    market: z.enum(['on-demand', 'spot']).optional(),
    zone: z.string().min(1).optional(),
    pool: z.string().min(1).optional(),
    interruption: z.string().optional(), // the pool's interruption band (Spot Instance Advisor)
    hostMemory: bytesField.optional(), // used on this instance
    servers: z.array(plannedServerSchema),
  })
  .strict();

/** What pack --spot promised and what the plan costs on each market. */
export const spotSummarySchema = z
  .object({
    survive: z.number().int().min(1), // spot pools that may be lost at once with every model served
    maxShare: z.number().min(0).max(1), // cap on the spot share of the hourly cost
    share: z.number().min(0).max(1), // the plan's spot share of the hourly cost
    onDemandCostPerHour: z.number().min(0),
    spotCostPerHour: z.number().min(0),
    // the cost to expect given the interruption bands (model in expectedCostModel)
    expectedCostPerHour: z.number().min(0),
    expectedCostModel: z.string(),
    spotModels: z.number().int().min(0), // models whose replicas are all on spot, in ≥ survive+1 pools
    addedReplicas: z.number().int().min(0), // replicas added beyond profiles.yaml to spread them
    onDemandOnlyCostPerHour: z.number().min(0).optional(), // the on-demand plan it was compared with
  })
  .strict();

export const planSchema = z
  .object({
    apiVersion: z.literal('mlserve/v1'),
    kind: z.literal('PackingPlan'),
    createdAt: z.string().optional(),
    profiles: z.string().optional(),
    objective: z.enum(['cost', 'count']),
    caps: z.object({ memory: bytesField.optional(), util: z.number().min(0).max(100) }).strict(), // memory absent: each processor's own
    solver: z
      .object({
        status: z.enum(['optimal', 'feasible', 'time-limit']),
        optimal: z.boolean(),
        objectiveValue: z.number(),
        lowerBound: z.number(),
        gap: z.number().min(0), // (objective − bound) / objective
        solveSeconds: z.number().min(0),
        method: z.string().optional(),
        timeLimitSeconds: z.number().min(0).optional(),
      })
      .strict(),
    totals: z
      .object({
        instances: z.number().int().min(0),
        processors: z.number().int().min(0),
        models: z.number().int().min(0),
        costPerHour: z.number().min(0),
        costPerModelHour: z.number().min(0),
      })
      .strict(),
    spot: spotSummarySchema.optional(), // pack --spot only
    instances: z.array(plannedInstanceSchema),
  })
  .strict();

export type Plan = z.output<typeof planSchema>;
export type PlannedInstance = z.output<typeof plannedInstanceSchema>;
export type PlannedServer = z.output<typeof plannedServerSchema>;
export type PlannedModel = z.output<typeof plannedModelSchema>;

export function readPlan(path: string): Promise<Plan> {
  return readYamlFile(planSchema, path);
}

export function planToDocument(plan: Plan): Record<string, unknown> {
  const b = (v: number | undefined) => (v === undefined ? undefined : formatBytes(v));
  return JSON.parse(
    JSON.stringify({
      ...plan,
      caps: { ...plan.caps, memory: b(plan.caps.memory) },
      instances: plan.instances.map((i) => ({
        ...i,
        hostMemory: b(i.hostMemory),
        servers: i.servers.map((s) => ({
          ...s,
          memory: b(s.memory),
          models: s.models.map((m) => ({ ...m, memory: b(m.memory), hostMemory: b(m.hostMemory) })),
        })),
      })),
    }),
  ) as Record<string, unknown>;
}

export function writePlan(path: string, plan: Plan): Promise<void> {
  return writeYamlFile(path, planToDocument(plan));
}
