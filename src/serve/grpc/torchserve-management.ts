// TorchServe's org.pytorch.serve.grpc.management.ManagementAPIsService on the gRPC management port:
// the HTTP management API's own operations (management-ops.ts) with the gRPC request's fields as
// TorchServe reads them (GRPCUtils.getRegisterParam: 0 or "" means "not given"). The answer is the
// HTTP status message, or the JSON of describe and list, in ManagementResponse.msg; a non-2xx status
// becomes its gRPC code.
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Registry } from '../frontend/registry.js';
import { MlsError } from '../../errors.js';
import { describeModel, listModels, registerModel, scaleWorkers, setDefaultVersion, unregisterModel, type Answer } from '../http/management-ops.js';
import { unary } from './calls.js';
import { grpcCode, grpcError } from './status.js';

type Fields = Record<string, string | number | boolean>;

/** The request's given fields as the HTTP API's query parameters. */
function params(fields: Fields): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== '' && v !== 0 && v !== undefined) q.set(k, String(v));
  return q;
}

function message({ status, body }: Answer, json: boolean): { msg: string } {
  if (status < 200 || status >= 300) throw grpcError(grpcCode(status), JSON.stringify(body));
  const text = !json && body && typeof body === 'object' && typeof (body as { status?: unknown }).status === 'string' ? (body as { status: string }).status : undefined;
  return { msg: text ?? JSON.stringify(body, null, 2) };
}

function named(name: string): string {
  if (!name) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { paramRequired: { param: 'model_name' } });
  return name;
}

export function torchserveManagementService(reg: Registry): UntypedServiceImplementation {
  return {
    DescribeModel: unary((r: { model_name: string; model_version: string }) => message(describeModel(reg, named(r.model_name), r.model_version || undefined), true)),
    ListModels: unary((r: { limit: number; next_page_token: number }) => message(listModels(reg, params(r)), true)),
    RegisterModel: unary(async (r: Fields & { synchronous: boolean }) => {
      // synchronous is false unless given (the proto's default), unlike HTTP's true.
      const q = params({ ...r, synchronous: r.synchronous ? 'true' : 'false' });
      return message(await registerModel(reg, q), false);
    }),
    ScaleWorker: unary(async (r: { model_name: string; model_version: string; min_worker: number; max_worker: number; synchronous: boolean }) => {
      // TorchServe's defaults: min_worker 1 when not given, max_worker = min_worker.
      const min = r.min_worker > 0 ? r.min_worker : 1;
      const q = params({ min_worker: min, max_worker: r.max_worker > 0 ? r.max_worker : min, synchronous: r.synchronous ? 'true' : 'false' });
      return message(await scaleWorkers(reg, named(r.model_name), r.model_version || undefined, q), false);
    }),
    SetDefault: unary((r: { model_name: string; model_version: string }) => {
      if (!r.model_version) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { paramRequired: { param: 'model_version' } });
      return message(setDefaultVersion(reg, named(r.model_name), r.model_version), false);
    }),
    UnregisterModel: unary(async (r: { model_name: string; model_version: string }) => message(await unregisterModel(reg, named(r.model_name), r.model_version || undefined), false)),
  };
}
