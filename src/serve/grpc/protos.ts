// The gRPC service definitions, loaded at run time from the .proto files in proto/ (written from
// TorchServe's and KServe's published definitions, shipped with the package).
import { join } from 'node:path';
import { loadPackageDefinition, type GrpcObject, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PACKAGE_ROOT } from '../../paths.js';

export const PROTO_DIR = join(PACKAGE_ROOT, 'proto');

/**
 * keepCase: field names as in the .proto (model_name, raw_input_contents), as the published
 * clients send them. longs as strings: int64 tensor contents keep every bit (converted to BigInt
 * where used). defaults: a field a client left out reads as its zero value, as in proto3.
 */
const LOAD_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIR] };

export interface Services {
  torchserveInference: ServiceDefinition;
  torchserveManagement: ServiceDefinition;
  kserve: ServiceDefinition;
}

let loaded: Services | undefined;

/** Marks a request whose bytes are not the message (see tolerant). */
export const UNREADABLE = Symbol('unreadable gRPC message');

/**
 * grpc-js answers a message it cannot decode with INTERNAL; the protocol's answer to a bad request
 * is INVALID_ARGUMENT, so decoding failures become a marked request the methods refuse (grpc-server.ts).
 */
function tolerant(svc: ServiceDefinition): ServiceDefinition {
  for (const m of Object.values(svc)) {
    const decode = m.requestDeserialize;
    m.requestDeserialize = (bytes: Buffer) => {
      try {
        return decode(bytes);
      } catch (e) {
        return { [UNREADABLE]: (e as Error).message };
      }
    };
  }
  return svc;
}

function service(root: GrpcObject, path: string): ServiceDefinition {
  let node: unknown = root;
  for (const part of path.split('.')) node = (node as Record<string, unknown>)[part];
  const svc = (node as { service?: ServiceDefinition } | undefined)?.service;
  if (!svc) throw new Error(`gRPC service ${path} is missing from ${PROTO_DIR}`);
  return tolerant(svc);
}

/** The three services, parsed once per process. */
export function services(): Services {
  if (loaded) return loaded;
  const root = loadPackageDefinition(loadSync(['inference.proto', 'management.proto', 'grpc_predict_v2.proto'], LOAD_OPTIONS));
  loaded = {
    torchserveInference: service(root, 'org.pytorch.serve.grpc.inference.InferenceAPIsService'),
    torchserveManagement: service(root, 'org.pytorch.serve.grpc.management.ManagementAPIsService'),
    kserve: service(root, 'inference.GRPCInferenceService'),
  };
  return loaded;
}
