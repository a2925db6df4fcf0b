// What moving tensor bytes between the frontend and a worker costs: CPU per MiB of the sender and
// the receiver over a Unix domain socket (the transport of ipc/frames.ts), for a few write sizes.
// The figure behind "no shared memory" in src/serve/DESIGN.md.
// Usage: node dist/bench/ipc-bytes.js [MiB=1024]
import { createServer, connect } from 'node:net';
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cpuUs = (c: NodeJS.CpuUsage) => c.user + c.system;

if (process.argv[2] === 'receiver') {
  const [, , , path, bytes] = process.argv;
  const s = connect(path!);
  let got = 0;
  let c0: NodeJS.CpuUsage | undefined;
  s.on('data', (d: Buffer) => {
    c0 ??= process.cpuUsage();
    got += d.length;
    if (got >= Number(bytes)) {
      process.send!({ us: cpuUs(process.cpuUsage(c0)) });
      s.end();
    }
  });
} else {
  const mib = Number(process.argv[2] ?? 1024);
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-ipc-'));
  try {
    for (const size of [16 * 1024, 64 * 1024, 1024 * 1024]) {
      const path = join(dir, `${size}.sock`);
      const total = mib * 2 ** 20;
      const chunk = Buffer.alloc(size, 1);
      const sender = new Promise<number>((resolve) => {
        const srv = createServer((sock) => {
          const c0 = process.cpuUsage();
          let sent = 0;
          const pump = (): void => {
            while (sent < total) {
              sent += chunk.length;
              if (!sock.write(chunk)) return void sock.once('drain', pump);
            }
            resolve(cpuUs(process.cpuUsage(c0)));
            srv.close();
          };
          pump();
        }).listen(path);
      });
      const child = fork(fileURLToPath(import.meta.url), ['receiver', path, String(total)]);
      const receiver = new Promise<number>((resolve) => child.once('message', (m: { us: number }) => resolve(m.us)));
      const [s, r] = await Promise.all([sender, receiver]);
      child.kill();
      console.log(`${String(size / 1024).padStart(5)} KiB writes: sender ${(s / mib).toFixed(0)} µs/MiB, receiver ${(r / mib).toFixed(0)} µs/MiB`);
    }
    console.log(`(${mib} MiB each, load average ${loadavg()[0]!.toFixed(2)})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
