// Port checks for servers started on this machine: a requested port that is taken is a coded error
// before anything starts; otherwise ports are chosen free by the kernel.
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { MlsError } from '../errors.js';

/** Resolves true if 127.0.0.1:port can be bound right now. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * `n` distinct ports the kernel reports free, for runtimes that cannot take port 0 (docker -p):
 * all are held open together while picked, so no two are the same.
 */
export async function pickFreePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((resolve, reject) => {
          const srv = createServer();
          srv.once('error', reject);
          srv.listen({ port: 0, host }, () => resolve(srv));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Resolves true if something accepts TCP connections on host:port. */
export function isListening(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ port, host });
    const done = (v: boolean) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Throws MLS_ERR_DEPLOY_PORT_TAKEN naming the first requested port that is in use. */
export async function assertPortsFree(ports: Array<{ port: number; what: string }>, host = '127.0.0.1'): Promise<void> {
  for (const p of ports) {
    if (!(await isPortFree(p.port, host))) {
      throw new MlsError('MLS_ERR_DEPLOY_PORT_TAKEN', { port: p.port, what: p.what, host }, {
        details: { port: p.port, use: p.what },
      });
    }
  }
}
