// TorchServe's handler contract in JavaScript: a batch of requests in, a list of the same length
// out. Handlers run inside worker processes, never in the HTTP frontend.
import type * as Ort from 'onnxruntime-node';
import type { MarManifest } from '../../archive/types.js';
import type { HeaderMap, RequestPart } from '../ipc/messages.js';
import type { DType } from './tensors.js';

export interface TensorMeta {
  name: string;
  type: DType | string;
  /** Dimensions; symbolic (dynamic) dimensions are -1. */
  shape: number[];
}

/** One request of a batch, as a handler sees it. */
export interface HandlerRequest {
  /** The request's data: the raw body, or the multipart field named `data` or `body` (else the first). */
  body: Buffer;
  contentType: string;
  /** All parts: one (`body`) for a raw request, one per form field for multipart. */
  parts: RequestPart[];
  /** The request's headers (lower-case names), for custom handlers; `explain: 'True'` marks an explanation. */
  headers?: HeaderMap;
}

/** What a handler may return per request: bytes, text, a JSON-able value, or an Error (5xx). */
export type HandlerOutput = unknown;

export interface HandlerContext {
  modelName: string;
  modelVersion: string;
  modelDir: string;
  manifest: MarManifest;
  /** The archive's model-config.yaml, parsed (empty if none). */
  modelConfig: Record<string, unknown>;
  batchSize: number;
  session: Ort.InferenceSession;
  ort: typeof Ort;
  inputs: TensorMeta[];
  outputs: TensorMeta[];
}

export interface ModelHandler {
  handle(requests: HandlerRequest[], ctx: HandlerContext): Promise<HandlerOutput[]>;
  /** Explanations (TorchServe's explain_handle): the handler's `explain` export, when it has one. */
  explain?(requests: HandlerRequest[], ctx: HandlerContext): Promise<HandlerOutput[]>;
}

/** An error a handler throws to choose the HTTP status of its requests (TorchServe's PredictionException). */
export interface StatusError extends Error {
  status?: number;
  statusCode?: number;
}
