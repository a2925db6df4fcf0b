// gRPC status codes for mlserve's errors. TorchServe's table (GRPCUtils.getGRPCStatusCode) maps the
// HTTP status an answer would have had to a gRPC code; the same table serves KServe's service.
import { status as Code, Metadata, type ServiceError } from '@grpc/grpc-js';
import { serverError } from '../../errors/render.js';

export { Code };

/** TorchServe's mapping from an HTTP status to a gRPC code. */
export function grpcCode(httpStatus: number): Code {
  switch (httpStatus) {
    case 400: return Code.INVALID_ARGUMENT;
    case 401: return Code.UNAUTHENTICATED;
    case 403: return Code.PERMISSION_DENIED;
    case 404: return Code.NOT_FOUND;
    case 409: return Code.ABORTED;
    case 413:
    case 429: return Code.RESOURCE_EXHAUSTED;
    case 416: return Code.OUT_OF_RANGE;
    case 499: return Code.CANCELLED;
    case 501: return Code.UNIMPLEMENTED;
    case 503: return Code.UNAVAILABLE;
    case 504: return Code.DEADLINE_EXCEEDED;
    default:
      if (httpStatus >= 200 && httpStatus < 300) return Code.OK;
      if (httpStatus >= 400 && httpStatus < 500) return Code.FAILED_PRECONDITION;
      if (httpStatus >= 500 && httpStatus < 600) return Code.INTERNAL;
      return Code.UNKNOWN;
  }
}

/**
 * A gRPC error. The details are the message, then TorchServe's exception type on its own line
 * (TorchServe augments its descriptions the same way); `mlserve-error-type` carries the type too.
 */
export function grpcError(code: Code, message: string, type?: string): Partial<ServiceError> {
  const metadata = new Metadata();
  if (type) metadata.set('mlserve-error-type', type);
  return { code, details: type ? `${message}\n${type}` : message, metadata };
}

function isGrpcError(e: unknown): e is Partial<ServiceError> {
  return !!e && typeof e === 'object' && typeof (e as ServiceError).code === 'number' && (e as ServiceError).metadata instanceof Metadata;
}

/** Any error thrown by the shared HTTP/registry code, as a gRPC error with TorchServe's code for its status. */
export function toGrpcError(e: unknown, override?: Code): Partial<ServiceError> {
  if (isGrpcError(e)) return e;
  const err = serverError(e);
  return grpcError(override ?? grpcCode(err.httpStatus), err.message, err.type);
}
