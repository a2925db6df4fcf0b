// What travels inside frames. One worker process can host several models (keyed by modelKey), so
// every request names its model: the same protocol serves one model per process today and many
// models per process for the density work (issue 4).
import type { MarManifest } from '../../archive/types.js';

export interface LoadRequest {
  modelKey: string; // "<name>/<version>": unique within the server
  modelName: string;
  modelVersion: string;
  modelDir: string; // extracted archive folder
  serializedFile: string; // absolute path of the .onnx file
  handler: string; // base_handler | image_classifier | a .js/.mjs file inside modelDir
  manifest: MarManifest;
  modelConfig: Record<string, unknown>;
  batchSize: number;
  intraOpThreads: number;
}

/** One part of a request: the raw body, or one field of a multipart form. */
export interface RequestPart {
  name: string;
  contentType: string;
  body: Buffer;
}

/** An inference request as the worker sees it: its parts and the request's own headers. */
export interface InferItem {
  parts: RequestPart[];
}

/** Header of an infer frame: per item, per part [name, content type, length]; bodies in the payload. */
export interface InferHeader {
  m: string;
  items: Array<Array<[string, string, number]>>;
}

/** Header of a result frame: per item [status, content type, length]; bodies in the payload. */
export interface ResultHeader {
  r: Array<[number, string, number]>;
}

export interface ItemResult {
  status: number;
  contentType: string;
  body: Buffer;
}

export function encodeInfer(modelKey: string, items: InferItem[]): { header: InferHeader; payload: Buffer } {
  const bufs: Buffer[] = [];
  const header: InferHeader = { m: modelKey, items: [] };
  for (const it of items) {
    const desc: Array<[string, string, number]> = [];
    for (const p of it.parts) {
      desc.push([p.name, p.contentType, p.body.length]);
      bufs.push(p.body);
    }
    header.items.push(desc);
  }
  return { header, payload: bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs) };
}

export function decodeInfer(header: InferHeader, payload: Buffer): InferItem[] {
  let off = 0;
  return header.items.map((desc) => ({
    parts: desc.map(([name, contentType, len]) => {
      const body = payload.subarray(off, off + len);
      off += len;
      return { name, contentType, body };
    }),
  }));
}

export function encodeResults(results: ItemResult[]): { header: ResultHeader; payload: Buffer } {
  const header: ResultHeader = { r: results.map((r) => [r.status, r.contentType, r.body.length]) };
  return { header, payload: results.length === 1 ? results[0]!.body : Buffer.concat(results.map((r) => r.body)) };
}

export function decodeResults(header: ResultHeader, payload: Buffer): ItemResult[] {
  let off = 0;
  return header.r.map(([status, contentType, len]) => {
    const body = payload.subarray(off, off + len);
    off += len;
    return { status, contentType, body };
  });
}
