// The gRPC listeners: TorchServe's inference service and KServe's GRPCInferenceService on the
// inference address (7070 by default from the command line), TorchServe's management service on the
// management address (7071). Bounded like HTTP: messages up to max_request_size (RESOURCE_EXHAUSTED
// past it), the management key checked when --token-auth is on, loopback unless told otherwise.
import { readFile } from 'node:fs/promises';
import { Server, ServerCredentials, type ServiceError, type UntypedHandleCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { MlsError, toMlsError } from '../../errors.js';
import type { Address } from '../config.js';
import type { Registry } from '../frontend/registry.js';
import { bearerMatches } from '../token-auth.js';
import { kserveService } from './kserve-service.js';
import { services, UNREADABLE } from './protos.js';
import { Code, grpcError } from './status.js';
import { torchserveInferenceService } from './torchserve-inference.js';
import { torchserveManagementService } from './torchserve-management.js';

export interface GrpcOptions {
  inference?: Address;
  management?: Address;
  maxRequestSize: number;
  /** The management key when --token-auth is on. */
  managementKey?: string;
  /** PEM files: enable_grpc_ssl with certificate_file and private_key_file. */
  tls?: { certFile: string; keyFile: string };
}

export interface GrpcListeners {
  /** host:port actually bound (port 0 resolved), when that listener is on. */
  inference?: string;
  management?: string;
  /** Stop taking calls; resolves when the calls in progress have finished. */
  drain(): Promise<void>;
  /** Ends whatever is still open. */
  close(): void;
}

const AUTH_FAILED = 'Token Authorization failed. Token either incorrect, expired, or not provided correctly';

/** TorchServe's GRPCInterceptor: a call without the management key ends CANCELLED before the method runs. */
function requireKey(impl: UntypedServiceImplementation, key: string): UntypedServiceImplementation {
  const k = Buffer.from(key);
  const out: UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(impl)) {
    out[name] = ((call: { metadata: { get(k: string): unknown[] } }, callback: (e: Partial<ServiceError>) => void) => {
      const h = call.metadata.get('authorization')[0];
      if (!bearerMatches(typeof h === 'string' ? h : undefined, k)) return callback(grpcError(Code.CANCELLED, AUTH_FAILED, 'InvalidKeyException'));
      (handler as (...a: unknown[]) => void)(call, callback);
    }) as UntypedHandleCall;
  }
  return out;
}

/** Every method of a service refuses a request that could not be decoded, with INVALID_ARGUMENT. */
function refuseUnreadable(impl: UntypedServiceImplementation): UntypedServiceImplementation {
  const out: UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(impl)) {
    out[name] = ((call: { request?: Record<symbol, unknown>; emit(ev: 'error', e: unknown): void }, callback?: (e: Partial<ServiceError>) => void) => {
      const bad = call.request?.[UNREADABLE];
      if (bad === undefined) return (handler as (...a: unknown[]) => void)(call, callback);
      const e = grpcError(Code.INVALID_ARGUMENT, `the request is not a valid ${name} message: ${String(bad)}`, 'BadRequestException');
      if (callback) callback(e);
      else call.emit('error', e);
    }) as UntypedHandleCall;
  }
  return out;
}

function hostPort(a: Address): string {
  return `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}

function bindError(addr: Address, what: string, e: Error): MlsError {
  if (/EADDRINUSE/.test(e.message)) return new MlsError('MLS_ERR_SERVE_PORT_IN_USE', { what, address: hostPort(addr) });
  if (/EADDRNOTAVAIL|ENOTFOUND|EAI_AGAIN|resolution/i.test(e.message)) return new MlsError('MLS_ERR_SERVE_ADDRESS', { unresolvable: { what, address: hostPort(addr), reason: e.message } });
  return toMlsError(e);
}

async function credentials(tls: GrpcOptions['tls']): Promise<ServerCredentials> {
  if (!tls) return ServerCredentials.createInsecure();
  let cert: Buffer, key: Buffer;
  try {
    [cert, key] = await Promise.all([readFile(tls.certFile), readFile(tls.keyFile)]);
  } catch (e) {
    throw new MlsError('MLS_ERR_SERVE_CONFIG', { grpcSslUnreadable: { reason: (e as Error).message } });
  }
  return ServerCredentials.createSsl(null, [{ cert_chain: cert, private_key: key }], false);
}

async function bind(server: Server, addr: Address, what: string, creds: ServerCredentials): Promise<string> {
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(hostPort(addr), creds, (e, p) => (e ? reject(bindError(addr, what, e)) : resolve(p))));
  return hostPort({ host: addr.host, port });
}

export async function startGrpc(reg: Registry, opts: GrpcOptions): Promise<GrpcListeners> {
  const defs = services();
  const creds = await credentials(opts.tls);
  // Messages past max_request_size are refused by grpc-js itself (RESOURCE_EXHAUSTED), before any
  // of it reaches a method; answers are not capped (as HTTP's).
  // Channelz (per-call bookkeeping for a debugging service mlserve does not expose) is off: ~5% of a call.
  const settings = { 'grpc.max_receive_message_length': opts.maxRequestSize, 'grpc.max_send_message_length': -1, 'grpc.enable_channelz': 0 };
  const servers: Server[] = [];
  const out: GrpcListeners = {
    drain: () => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.tryShutdown(() => resolve())))).then(() => {}),
    close: () => servers.forEach((s) => s.forceShutdown()),
  };
  try {
    if (opts.inference) {
      const s = new Server(settings);
      servers.push(s);
      s.addService(defs.torchserveInference, refuseUnreadable(torchserveInferenceService(reg)));
      s.addService(defs.kserve, refuseUnreadable(kserveService(reg)));
      out.inference = await bind(s, opts.inference, 'gRPC inference', creds);
    }
    if (opts.management) {
      const s = new Server(settings);
      servers.push(s);
      const impl = refuseUnreadable(torchserveManagementService(reg));
      s.addService(defs.torchserveManagement, opts.managementKey ? requireKey(impl, opts.managementKey) : impl);
      out.management = await bind(s, opts.management, 'gRPC management', creds);
    }
  } catch (e) {
    out.close();
    throw e;
  }
  return out;
}
