// KServe's inference.GRPCInferenceService (the Open Inference Protocol over gRPC) on the gRPC
// inference port: health, metadata, Triton's ModelConfig, ModelInfer, and repository load/unload.
// Metadata and configuration are the ones the HTTP v2 routes answer (kserve-api.ts).
import type { sendUnaryData, ServiceError, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Registry } from '../frontend/registry.js';
import { SHUTTING_DOWN } from '../http/errors.js';
import { MlsError } from '../../errors.js';
import { config, lookup, metadata, ready, SERVER_METADATA } from '../http/kserve-api.js';
import { unregisterModel } from '../http/management-ops.js';
import { inferenceTarget, resultMessage, submitParts } from '../http/predict.js';
import { expiresAt, unary } from './calls.js';
import { inferParts, inferResponse, type ModelInferRequest, type ModelInferResponse } from './model-infer.js';
import { grpcCode, grpcError, toGrpcError } from './status.js';
import { ARCHIVE_RE, storeArchives } from '../model-store-poller.js';

interface ModelRef {
  name: string;
  version: string;
}


function model(reg: Registry, r: ModelRef) {
  if (!r.name) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { fieldRequired: { field: 'name' } });
  return lookup(reg, r.name, r.version || undefined);
}

/** Triton's model configuration message from the HTTP form (`TYPE_*` names are the enum's). */
function configMessage(c: Record<string, unknown>, version: string): Record<string, unknown> {
  // Triton's versions are integers; a version like "1.0" is reported as "the latest".
  const policy = /^\d+$/.test(version) ? { specific: { versions: [version] } } : { latest: { num_versions: 1 } };
  return { config: { ...c, version_policy: policy } };
}

function modelInfer(reg: Registry, req: ModelInferRequest, deadline: number | undefined, done: sendUnaryData<ModelInferResponse>): void {
  if (!req.model_name) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { fieldRequired: { field: 'model_name' } });
  if (reg.closing) throw SHUTTING_DOWN;
  const entry = inferenceTarget(reg, req.model_name, req.model_version || undefined);
  const { parts, raw } = inferParts(req);
  submitParts(
    entry,
    parts,
    reg.settings.time.clock.now(),
    (r) => {
      if (r.status >= 400) return done(grpcError(grpcCode(r.status), resultMessage(r)) as ServiceError);
      try {
        done(null, inferResponse(r, req, entry.version, raw));
      } catch (e) {
        done(toGrpcError(e) as ServiceError);
      }
    },
    { expiresAt: deadline, versioned: Boolean(req.model_version) },
  );
}

export function kserveService(reg: Registry): UntypedServiceImplementation {
  return {
    ServerLive: unary(() => ({ live: true })),
    ServerReady: unary(() => ({ ready: !reg.closing && reg.defaults().every(ready) })),
    ModelReady: unary((r: ModelRef) => ({ ready: ready(model(reg, r)) })),
    ServerMetadata: unary(() => SERVER_METADATA),
    ModelMetadata: unary((r: ModelRef) => metadata(model(reg, r), reg)),
    ModelConfig: unary(async (r: ModelRef) => {
      const e = model(reg, r);
      return configMessage(await config(e), e.version);
    }),
    ModelInfer: unary((req: ModelInferRequest, call, done: sendUnaryData<ModelInferResponse>) => {
      modelInfer(reg, req, expiresAt(call, reg.settings.time.clock), done);
      return undefined;
    }),
    // The repository is the model store: the archive (file or folder) named after the model,
    // registered with its defaults, as model control's none and poll modes load it.
    RepositoryModelLoad: unary(async (r: { model_name: string }) => {
      if (!r.model_name) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { fieldRequired: { field: 'model_name' } });
      if (!reg.find(r.model_name)) {
        const url = (await storeArchives(reg.settings.modelStore)).find((f) => f === r.model_name || f.replace(ARCHIVE_RE, '') === r.model_name);
        if (!url) throw new MlsError('MLS_ERR_SERVE_NO_SUCH_MODEL', { noArchive: { model: r.model_name } });
        if (reg.apiLocked) throw new MlsError('MLS_ERR_SERVE_API_LOCKED', { reason: reg.apiLocked });
        // Loaded means ready to infer (Triton's rule): model-config.yaml's minWorkers, else one worker.
        await reg.register({ url, modelName: r.model_name, fallbackWorkers: 1, wait: true });
      }
      return { model_name: r.model_name, isLoaded: true };
    }),
    RepositoryModelUnload: unary(async (r: { model_name: string }) => {
      if (!r.model_name) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { fieldRequired: { field: 'model_name' } });
      await unregisterModel(reg, r.model_name, undefined);
      return { model_name: r.model_name, isUnloaded: true };
    }),
  };
}
