// A real grpc-js client for the tests and bench/grpc, built from the same published .proto files
// the server loads (proto/): what a user's generated client would send.
import { credentials as grpcCredentials, loadPackageDefinition, Metadata, type ChannelCredentials, type Client, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_DIR } from '../../src/serve/grpc/protos.js';

const def = loadPackageDefinition(
  loadSync(['inference.proto', 'management.proto', 'grpc_predict_v2.proto'], { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIR] }),
);

function ctor(path: string): ServiceClientConstructor {
  let node: unknown = def;
  for (const p of path.split('.')) node = (node as Record<string, unknown>)[p];
  return node as ServiceClientConstructor;
}

export interface CallOptions {
  deadlineMs?: number;
  key?: string;
}

export type Caller = <T = Record<string, unknown>>(method: string, request: unknown, o?: CallOptions) => Promise<T>;

function caller(client: Client): Caller {
  return (method, request, o = {}) =>
    new Promise((resolve, reject) => {
      const md = new Metadata();
      if (o.key) md.set('authorization', `Bearer ${o.key}`);
      const opts = o.deadlineMs ? { deadline: Date.now() + o.deadlineMs } : {};
      const fn = (client as unknown as Record<string, (...a: unknown[]) => void>)[method]!.bind(client);
      fn(request, md, opts, (e: ServiceError | null, r: unknown) => (e ? reject(e) : resolve(r as never)));
    });
}

export interface GrpcClients {
  kserve: Caller;
  torchserve: Caller;
  management: Caller;
  /** The raw clients (streams, closing). */
  raw: { kserve: Client; torchserve: Client; management?: Client };
  close(): void;
}

export function grpcClients(inference: string, management?: string, creds: ChannelCredentials = grpcCredentials.createInsecure(), options: Record<string, unknown> = {}): GrpcClients {
  const k = new (ctor('inference.GRPCInferenceService'))(inference, creds, options);
  const t = new (ctor('org.pytorch.serve.grpc.inference.InferenceAPIsService'))(inference, creds, options);
  const m = management ? new (ctor('org.pytorch.serve.grpc.management.ManagementAPIsService'))(management, creds, options) : undefined;
  return {
    kserve: caller(k),
    torchserve: caller(t),
    management: m ? caller(m) : () => Promise.reject(new Error('no management address')),
    raw: { kserve: k, torchserve: t, management: m },
    close: () => [k, t, m].forEach((c) => c?.close()),
  };
}

/** Rejects with the gRPC error of a call expected to fail. */
export async function grpcFailure(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error('the call succeeded');
}
