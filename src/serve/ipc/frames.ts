// Length-prefixed binary frames between the frontend and its worker processes (over a Unix domain
// socket). Measured here (notes/ipc.md): raw frames with writes coalesced per tick carry ~3× more
// round trips than child_process IPC, and tensors travel as bytes instead of JSON arrays.
//
// Frame layout (little endian):
//   u32 length of everything after this field
//   u8  type
//   u32 id        (correlates a reply with its request; 0 for one-way frames)
//   u32 header length, header (UTF-8 JSON, small metadata only)
//   payload       (raw bytes: request bodies, tensors, responses)
import type { Socket } from 'node:net';

export const FRAME = {
  hello: 1, // worker → frontend: {workerId, pid}
  load: 2, // frontend → worker: LoadRequest
  ok: 3, // reply: success (header depends on the request)
  error: 4, // reply: {message, status?}
  infer: 5, // frontend → worker: InferHeader (a group of batches) + payload
  result: 6, // worker → frontend: ResultHeader (finished batches of any groups, id 0) + payload
  unload: 7, // frontend → worker: {modelKey}
} as const;

export interface Frame {
  type: number;
  id: number;
  header: unknown;
  payload: Buffer;
}

const FIXED = 13; // u32 length + u8 type + u32 id + u32 header length
/** Up to this many bytes, a write's frames are copied into one buffer (small requests: one cheap copy, one syscall). */
const COALESCE_BYTES = 64 * 1024;
/** Frames above this size are refused: a corrupt length must not make us allocate gigabytes. */
export const MAX_FRAME_BYTES = 1024 * 1024 * 1024;

/** A frame's payload: one buffer, or the buffers that follow each other in it (no concatenation). */
export type Payload = Buffer | readonly Buffer[];

export function encodeFrame(type: number, id: number, header: unknown, payload?: Payload): Buffer[] {
  const text = header === undefined ? '' : JSON.stringify(header);
  const parts = payload === undefined ? [] : Buffer.isBuffer(payload) ? [payload] : payload;
  let plen = 0;
  for (const p of parts) plen += p.length;
  // One allocation for the fixed fields and the header: the string is written in place.
  const hlen = Buffer.byteLength(text, 'utf8');
  const head = Buffer.allocUnsafe(FIXED + hlen);
  head.writeUInt32LE(FIXED - 4 + hlen + plen, 0);
  head.writeUInt8(type, 4);
  head.writeUInt32LE(id, 5);
  head.writeUInt32LE(hlen, 9);
  if (hlen > 0) head.write(text, FIXED, 'utf8');
  return plen > 0 ? [head, ...parts] : [head];
}

/** Incremental decoder: feed socket chunks, get whole frames. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly onFrame: (f: Frame) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      if (this.chunks[0]!.length < 4) this.flatten();
      const first = this.chunks[0]!;
      const len = first.readUInt32LE(0);
      if (len > MAX_FRAME_BYTES || len < FIXED - 4) throw new Error(`corrupt frame length ${len}`);
      if (this.buffered < len + 4) return;
      const buf = this.chunks.length === 1 ? first : this.flatten();
      const frame = buf.subarray(0, len + 4);
      const rest = buf.subarray(len + 4);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      const hlen = frame.readUInt32LE(9);
      const htext = frame.toString('utf8', FIXED, FIXED + hlen);
      this.onFrame({
        type: frame.readUInt8(4),
        id: frame.readUInt32LE(5),
        header: htext.length > 0 ? JSON.parse(htext) : undefined,
        payload: frame.subarray(FIXED + hlen),
      });
    }
  }

  private flatten(): Buffer {
    const b = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [b];
    return b;
  }
}

/**
 * Writes frames to a socket, coalescing every frame sent during one turn of the event loop into a
 * single write. The flush runs in setImmediate, after the poll phase: requests that arrived on many
 * HTTP connections in the same turn leave in one system call instead of one each (measured: the
 * per-request writev was the frontend's largest cost under load).
 */
export class FrameWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private scheduled = false;

  constructor(private readonly socket: Socket) {}

  send(type: number, id: number, header: unknown, payload?: Payload): void {
    if (!this.queue(type, id, header, payload) || this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  /** Sends a frame (and any queued before it) at once: for callers that already grouped their work. */
  sendNow(type: number, id: number, header: unknown, payload?: Payload): void {
    if (this.queue(type, id, header, payload)) this.flush();
  }

  /** Appends a frame to the next write; false when the socket is gone. */
  private queue(type: number, id: number, header: unknown, payload?: Payload): boolean {
    if (this.socket.destroyed) return false;
    for (const b of encodeFrame(type, id, header, payload)) {
      this.pending.push(b);
      this.pendingBytes += b.length;
    }
    return true;
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const bufs = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    const s = this.socket;
    if (s.destroyed || bufs.length === 0) return;
    if (bufs.length === 1) s.write(bufs[0]!);
    else if (bytes <= COALESCE_BYTES) s.write(Buffer.concat(bufs, bytes));
    else {
      // Tensors: one writev of the buffers as they are, instead of copying them into a new one
      // (a batch of 2048-wide JSON answers is ~320 KB: the copy and its garbage cost more than the iovecs).
      s.cork();
      for (const b of bufs) s.write(b);
      s.uncork();
    }
  };
}
