// What every gRPC method shares: errors thrown by the shared HTTP/registry code become gRPC errors,
// and a call's deadline becomes the queue's expiry time.
import type { sendUnaryData, ServerUnaryCall, ServerWritableStream, ServiceError, UntypedHandleCall } from '@grpc/grpc-js';
import { toGrpcError } from './status.js';
import type { Clock } from '../clock.js';

/** A unary method written as a function of the request (sync or async): what it throws is answered as an error. */
export function unary<Req, Res>(fn: (req: Req, call: ServerUnaryCall<Req, Res>, done: sendUnaryData<Res>) => Res | Promise<Res> | undefined): UntypedHandleCall {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const fail = (e: unknown): void => callback(toGrpcError(e) as ServiceError);
    try {
      const out = fn(call.request, call, callback);
      if (out instanceof Promise) out.then((v) => callback(null, v), fail);
      else if (out !== undefined) callback(null, out);
    } catch (e) {
      fail(e);
    }
  };
}

/**
 * The call's deadline (grpc-timeout) on the server's clock, for the queue to drop work nobody waits
 * for; undefined without a deadline.
 */
export function expiresAt(call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>, clock: Clock): number | undefined {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(ms) ? clock.now() + (ms - clock.epochMs()) : undefined;
}
