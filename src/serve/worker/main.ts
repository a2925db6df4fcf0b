// Entry point of a worker process: connects back to the frontend's Unix socket, says hello, then
// loads models and runs batches on request. It exits as soon as the socket closes, so a frontend
// that dies (even by SIGKILL) never leaves workers holding memory behind.
import { connect } from 'node:net';
import { FRAME, FrameReader, FrameWriter, type Frame } from '../ipc/frames.js';
import { decodeInfer, encodeResults, type BatchResults, type InferHeader, type ItemResult, type LoadRequest } from '../ipc/messages.js';
import { errorResult, ModelHost } from './model-host.js';
import { parseBytes } from '../../units.js';
import { MemoryWatch } from './memory-watch.js';
import { DEFAULT_WORKER_LIMITS } from '../frontend/worker-limits.js';

const [socketPath, workerId, rssCheckMs] = process.argv.slice(2);
if (!socketPath || !workerId) {
  process.stderr.write('usage: worker <socket> <worker-id>\n');
  process.exit(2);
}

const host = new ModelHost();
/** maxWorkerMemory: past it the worker answers its batch and exits (memory-watch.ts). */
const memory = new MemoryWatch({ checkMs: Number(rssCheckMs ?? DEFAULT_WORKER_LIMITS.rssCheckMs), now: () => performance.now(), rss: () => process.memoryUsage.rss() });

function recycleIfOverMemory(): void {
  const rss = memory.over();
  if (rss === undefined) return;
  process.stderr.write(`resident memory ${Math.round(rss / 2 ** 20)} MiB is over maxWorkerMemory (${Math.round(memory.limit / 2 ** 20)} MiB): recycling this worker\n`);
  // The writer flushes on setImmediate; this one runs after it, so the batch's answer goes out first.
  setImmediate(() => socket.end(() => process.exit(0)));
}
const socket = connect(socketPath);
const writer = new FrameWriter(socket);

/** Answers finished during one turn of the event loop leave in one result frame. */
let finished: BatchResults[] = [];

function answer(group: number, index: number, results: ItemResult[]): void {
  if (finished.length === 0) setImmediate(sendFinished);
  finished.push({ group, index, results });
}

function sendFinished(): void {
  const { header, payload } = encodeResults(finished);
  finished = [];
  writer.sendNow(FRAME.result, 0, header, payload);
  recycleIfOverMemory();
}

function reply(f: Frame, work: Promise<unknown>): void {
  work.then(
    (value) => writer.send(FRAME.ok, f.id, value ?? {}),
    (e: unknown) => writer.send(FRAME.error, f.id, { message: e instanceof Error ? e.message : String(e) }),
  );
}

const reader = new FrameReader((f) => {
  switch (f.type) {
    case FRAME.infer: {
      // Each batch of the group runs through its handler on its own, as it would alone.
      decodeInfer(f.header as InferHeader, f.payload).forEach(({ modelKey, items }, index) => {
        host.infer(modelKey, items).then(
          (results) => answer(f.id, index, results),
          (e: unknown) => answer(f.id, index, items.map(() => errorResult(503, 'ServiceUnavailableException', `worker error: ${String(e)}`))),
        );
      });
      break;
    }
    case FRAME.load: {
      const req = f.header as LoadRequest;
      const limit = req.modelConfig?.maxWorkerMemory;
      reply(
        f,
        (async () => {
          if (typeof limit === 'string' || typeof limit === 'number') memory.lower(parseBytes(limit, `${req.modelKey}: maxWorkerMemory`));
          return host.load(req);
        })(),
      );
      break;
    }
    case FRAME.unload:
      reply(f, host.unload((f.header as { modelKey: string }).modelKey));
      break;
    default:
      writer.send(FRAME.error, f.id, { message: `unknown frame type ${f.type}` });
  }
});

socket.on('connect', () => writer.send(FRAME.hello, 0, { workerId, pid: process.pid }));
socket.on('data', (chunk: Buffer) => reader.push(chunk));
// The frontend is gone (closed, crashed or killed): nothing left to serve.
socket.on('close', () => process.exit(0));
socket.on('error', () => process.exit(1));
process.on('SIGTERM', () => process.exit(0));
