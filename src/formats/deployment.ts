// deployment.yaml (deploy → loadtest): what was rendered or started, and the endpoints to test.
import { z } from 'zod';
import { readYamlFile, writeYamlFile } from './yaml-file.js';

export const deployedModelSchema = z
  .object({
    name: z.string().min(1),
    version: z.string().optional(),
    /** Full TorchServe-style prediction URL: <inference>/predictions/<name>. */
    url: z.string().min(1),
  })
  .strict();

export const deployedServerSchema = z
  .object({
    name: z.string().min(1),
    instance: z.string().optional(), // plan instance id
    inference: z.string().min(1), // base URL of the inference API
    management: z.string().optional(),
    metrics: z.string().optional(),
    /** host:port of the gRPC inference service (TorchServe's and KServe's), where published. */
    grpcInference: z.string().optional(),
    models: z.array(deployedModelSchema),
    /** Runtime handle: pid (local), container id (docker), object names (kubernetes). */
    handle: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  })
  .strict();

export const deploymentSchema = z
  .object({
    apiVersion: z.literal('mlserve/v1'),
    kind: z.literal('Deployment'),
    runtime: z.enum(['local', 'docker', 'kubernetes']),
    createdAt: z.string().optional(),
    plan: z.string().optional(),
    started: z.boolean(), // false for --dry-run (rendered only)
    /** rendered (dry run), running (applied), failed (apply stopped part-way: `--down` cleans up), stopped (--down ran). */
    status: z.enum(['rendered', 'running', 'failed', 'stopped']).optional(),
    error: z.object({ code: z.string(), message: z.string() }).strict().optional(),
    /** Files written under outDir (manifests, build contexts), relative to it. */
    files: z.array(z.string()).optional(),
    /** Images the servers run, by processor kind (docker, kubernetes). */
    images: z.record(z.string(), z.string()).optional(),
    namespace: z.string().optional(),
    outDir: z.string().optional(),
    servers: z.array(deployedServerSchema),
  })
  .strict();

export type Deployment = z.output<typeof deploymentSchema>;
export type DeployedServer = z.output<typeof deployedServerSchema>;

export function readDeployment(path: string): Promise<Deployment> {
  return readYamlFile(deploymentSchema, path);
}

export function writeDeployment(path: string, d: Deployment): Promise<void> {
  // Validated on the way out too, and without undefined fields (YAML has no such value).
  const clean = deploymentSchema.parse(JSON.parse(JSON.stringify(d)));
  return writeYamlFile(path, clean);
}
