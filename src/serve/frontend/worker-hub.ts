// The frontend's end of the worker channel: one Unix domain socket that every worker process
// connects back to. A worker introduces itself with a hello frame naming its worker id; the hub
// hands the connection to the WorkerProcess waiting for that id.
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FRAME, FrameReader, type Frame } from '../ipc/frames.js';

export interface WorkerConnection {
  socket: Socket;
  /** Replaces the hub's frame handler once the worker is attached. */
  onFrame: (f: Frame) => void;
}

type Waiter = (conn: WorkerConnection, pid: number) => void;

export class WorkerHub {
  readonly dir: string;
  readonly socketPath: string;
  private readonly server: Server;
  private readonly waiting = new Map<string, Waiter>();

  constructor() {
    // A private 0700 folder: no other user can connect to the workers' socket.
    this.dir = mkdtempSync(join(tmpdir(), 'mlserve-'));
    this.socketPath = join(this.dir, 'workers.sock');
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.socketPath, () => resolve());
    });
  }

  /** Registers interest in the connection of worker `id`. */
  expect(id: string, waiter: Waiter): void {
    this.waiting.set(id, waiter);
  }

  forget(id: string): void {
    this.waiting.delete(id);
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const conn: WorkerConnection = { socket, onFrame: () => {} };
    let attached = false;
    const reader = new FrameReader((f) => {
      if (attached) return conn.onFrame(f);
      const hello = f.header as { workerId?: string; pid?: number } | undefined;
      const waiter = f.type === FRAME.hello && hello?.workerId ? this.waiting.get(hello.workerId) : undefined;
      if (!waiter || !hello?.workerId) {
        socket.destroy(); // not one of ours
        return;
      }
      this.waiting.delete(hello.workerId);
      attached = true;
      waiter(conn, hello.pid ?? 0);
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch {
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
