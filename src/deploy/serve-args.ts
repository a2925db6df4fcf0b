// The `mlserve serve` command line of one server: the same flags for every runtime (a process on
// this machine, a container, a pod), only the addresses and the model store differ.
import type { DeployServer } from './deploy-plan.js';
import { processorServeArgs } from './devices.js';

/** Where the images keep things (templates/docker/Dockerfile.*). */
export const CONTAINER_HOME = '/home/mlserve';
export const CONTAINER_STORE = `${CONTAINER_HOME}/model-store`;
/** Writable working folder of a pod whose root file system is read-only. */
export const CONTAINER_WORKDIR = `${CONTAINER_HOME}/work`;

export interface ServeAddresses {
  store: string;
  inference: string; // HOST:PORT
  management: string;
  metrics: string;
  /** gRPC listeners; without them the server takes its defaults (127.0.0.1:7070/7071). */
  grpcInference?: string;
  grpcManagement?: string;
}

/** `name=file` pairs as TorchServe's --models takes them. */
export function modelsArg(s: DeployServer): string {
  return s.models.map((m) => `${m.name}=${m.file}`).join(',');
}

/** `pinDevice`: pass the plan's processor index (--devices), where the runtime chooses the device (not Kubernetes). */
export function serveArgs(s: DeployServer, a: ServeAddresses, extra: string[] = [], pinDevice = true): string[] {
  return [
    'serve',
    '--model-store',
    a.store,
    '--models',
    modelsArg(s),
    '--inference-address',
    a.inference,
    '--management-address',
    a.management,
    '--metrics-address',
    a.metrics,
    ...(a.grpcInference ? ['--grpc-inference-address', a.grpcInference] : []),
    ...(a.grpcManagement ? ['--grpc-management-address', a.grpcManagement] : []),
    ...processorServeArgs(s, pinDevice),
    ...extra,
  ];
}

/**
 * Flags for servers in containers and pods, whose management API must stay closed to others:
 * token authorization (`--token-auth`, keys in a 0600 file) when this mlserve's `serve` has it.
 * The image runs the same mlserve version, so asking our own command is asking the server.
 */
export async function containerServeFlags(): Promise<string[]> {
  const { serveCommand } = await import('../../commands/serve.js');
  return serveCommand().options.some((opt) => opt.long === '--token-auth') ? ['--token-auth'] : [];
}
