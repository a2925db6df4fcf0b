// TorchServe's org.pytorch.serve.grpc.inference.InferenceAPIsService: Ping and Predictions on the
// same queue, batcher and handler as POST /predictions, with TorchServe's gRPC status codes
// (InferenceImpl: a missing model name, an unknown model and a full queue are INTERNAL; the
// worker's answer maps its HTTP status through the table in status.ts).
import type { sendUnaryData, ServerUnaryCall, ServerWritableStream, ServiceError, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Registry } from '../frontend/registry.js';
import type { ItemResult, RequestPart } from '../ipc/messages.js';
import { SHUTTING_DOWN } from '../http/errors.js';
import { MlsError } from '../../errors.js';
import { health } from '../http/inference-api.js';
import { inferenceTarget, resultMessage, submitParts } from '../http/predict.js';
import { expiresAt, unary } from './calls.js';
import { Code, grpcCode, grpcError, toGrpcError } from './status.js';

interface PredictionsRequest {
  model_name: string;
  model_version: string;
  input: Record<string, Buffer>;
}

interface PredictionResponse {
  prediction: Buffer;
}


type Answer = (e: Partial<ServiceError> | null, r?: PredictionResponse) => void;

/** Queues the request; `answer` gets the prediction or TorchServe's error for it. */
function predict(reg: Registry, req: PredictionsRequest, deadline: number | undefined, answer: Answer): void {
  try {
    if (!req.model_name) throw new MlsError('MLS_ERR_SERVE_BAD_REQUEST', { paramRequired: { param: 'model_name' } });
    if (reg.closing) throw SHUTTING_DOWN;
    const entry = inferenceTarget(reg, req.model_name, req.model_version || undefined);
    // The input map's entries are what a multipart form's fields are over HTTP: parts by name.
    const parts: RequestPart[] = Object.entries(req.input).map(([name, body]) => ({ name, contentType: '', body }));
    submitParts(
      entry,
      parts,
      reg.settings.time.clock.now(),
      (r: ItemResult) => (r.status >= 400 ? answer(grpcError(grpcCode(r.status), resultMessage(r), 'InternalServerException')) : answer(null, { prediction: r.body })),
      { expiresAt: deadline, versioned: Boolean(req.model_version) },
    );
  } catch (e) {
    answer(toGrpcError(e, Code.INTERNAL));
  }
}

export function torchserveInferenceService(reg: Registry): UntypedServiceImplementation {
  return {
    // The JSON /ping answers with, as TorchServe's Ping does (its status is in the text, the call is OK).
    Ping: unary(() => ({ health: JSON.stringify({ status: health(reg) }, null, 2) })),
    Predictions: (call: ServerUnaryCall<PredictionsRequest, PredictionResponse>, done: sendUnaryData<PredictionResponse>) =>
      predict(reg, call.request, expiresAt(call, reg.settings.time.clock), (e, r) => (e ? done(e as ServiceError) : done(null, r))),
    // mlserve's handlers answer once, so the stream carries one message (TorchServe's rule for handlers that do not stream).
    StreamPredictions: (call: ServerWritableStream<PredictionsRequest, PredictionResponse>) =>
      predict(reg, call.request, expiresAt(call, reg.settings.time.clock), (e, r) => {
        if (e) return void call.emit('error', e);
        call.write(r!);
        call.end();
      }),
    // Sequence batching (a sequence's requests kept on one worker with its state) does not exist here:
    // refused rather than run as unrelated requests.
    StreamPredictions2: (call: { emit(event: 'error', e: Partial<ServiceError>): void }) =>
      call.emit('error', grpcError(Code.UNIMPLEMENTED, 'StreamPredictions2 (sequence batching) is not supported by mlserve; use Predictions', 'BadRequestException')),
  };
}
