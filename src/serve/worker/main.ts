// Entry point of a worker process: connects back to the frontend's Unix socket, says hello, then
// loads models and runs batches on request. It exits as soon as the socket closes, so a frontend
// that dies (even by SIGKILL) never leaves workers holding memory behind.
import { connect } from 'node:net';
import { FRAME, FrameReader, FrameWriter, type Frame } from '../ipc/frames.js';
import { decodeInfer, encodeResults, type InferHeader, type LoadRequest } from '../ipc/messages.js';
import { ModelHost } from './model-host.js';

const [socketPath, workerId] = process.argv.slice(2);
if (!socketPath || !workerId) {
  process.stderr.write('usage: worker <socket> <worker-id>\n');
  process.exit(2);
}

const host = new ModelHost();
const socket = connect(socketPath);
const writer = new FrameWriter(socket);

function reply(f: Frame, work: Promise<unknown>): void {
  work.then(
    (value) => writer.send(FRAME.ok, f.id, value ?? {}),
    (e: unknown) => writer.send(FRAME.error, f.id, { message: e instanceof Error ? e.message : String(e) }),
  );
}

const reader = new FrameReader((f) => {
  switch (f.type) {
    case FRAME.infer: {
      const h = f.header as InferHeader;
      host.infer(h.m, decodeInfer(h, f.payload)).then(
        (results) => {
          const { header, payload } = encodeResults(results);
          writer.send(FRAME.result, f.id, header, payload);
        },
        (e: unknown) => writer.send(FRAME.error, f.id, { message: String(e) }),
      );
      break;
    }
    case FRAME.load:
      reply(f, host.load(f.header as LoadRequest));
      break;
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
