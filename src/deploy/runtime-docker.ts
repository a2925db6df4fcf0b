// The docker runtime: one container per server from the server image `mlserve build` made, its
// model store bind-mounted read-only. Inference (and metrics) are published on 127.0.0.1 only;
// management stays on the container's loopback. With --docker-network host (engines started
// without a bridge) the server listens on host loopback ports instead.
import { join, resolve } from 'node:path';
import { MlsError } from '../errors.js';
import { hasCommand, run } from '../exec.js';
import type { DeployedServer } from '../formats/deployment.js';
import type { Logger } from '../log.js';
import type { DeployServer } from './deploy-plan.js';
import { linkArchives } from './model-store.js';
import { assertPortsFree, pickFreePorts } from './ports.js';
import type { ProcessorKind } from './processors.js';
import { serveArgs, CONTAINER_STORE } from './serve-args.js';
import { dockerDeviceArgs } from './devices.js';
import { waitFor } from './wait.js';

export type DockerNetwork = 'bridge' | 'host';

export interface DockerOptions {
  outDir: string;
  images: Record<ProcessorKind, string>;
  network: DockerNetwork;
  basePort?: number;
  readyTimeoutMs: number;
  serveFlags: string[];
  exposeManagement?: boolean;
  logger: Logger;
  onStarted?: (s: DeployedServer) => Promise<void>;
}

/** Throws MLS_ERR_DEPLOY_DOCKER_MISSING unless a docker client can reach an engine. */
export async function assertDockerEngine(): Promise<void> {
  if (!(await hasCommand('docker'))) throw new MlsError('MLS_ERR_DEPLOY_DOCKER_MISSING', { notInstalled: {} });
  const r = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 20_000 });
  if (r.exitCode !== 0) {
    throw new MlsError('MLS_ERR_DEPLOY_DOCKER_MISSING', { engineDown: { reason: r.stderr.trim().split('\n').pop() ?? '' } });
  }
}

export function containerName(s: DeployServer): string {
  return `mlserve-${s.dnsName}`;
}

export async function startDocker(servers: DeployServer[], o: DockerOptions): Promise<DeployedServer[]> {
  const free = o.basePort === undefined ? await pickFreePorts(3 * servers.length) : [];
  // gRPC inference (7070 in the container) on a free loopback port each, beside --base-port's three.
  const grpcPorts = await pickFreePorts(servers.length);
  const ports = servers.map((_, i) => [0, 1, 2].map((k) => (o.basePort === undefined ? free[3 * i + k]! : o.basePort + 3 * i + k)));
  if (o.basePort !== undefined) {
    await assertPortsFree(servers.flatMap((s, i) => ports[i]!.map((port) => ({ port, what: `${s.name}` }))));
  }
  const started: DeployedServer[] = [];
  for (const [i, s] of servers.entries()) {
    const [inf, mgmt, met] = ports[i]!;
    const grpc = grpcPorts[i]!;
    const name = containerName(s);
    const store = resolve(join(o.outDir, 'docker', s.dnsName, 'model-store'));
    await linkArchives(s, store);
    await run('docker', ['rm', '-f', name]); // a container left by an earlier run of this deployment
    const host = o.network === 'host';
    const addr = host
      ? { inference: `127.0.0.1:${inf}`, management: `127.0.0.1:${mgmt}`, metrics: `127.0.0.1:${met}`, grpcInference: `127.0.0.1:${grpc}`, grpcManagement: '127.0.0.1:0' }
      : { inference: '0.0.0.0:8080', management: o.exposeManagement ? '0.0.0.0:8081' : '127.0.0.1:8081', metrics: '0.0.0.0:8082', grpcInference: '0.0.0.0:7070', grpcManagement: '127.0.0.1:7071' };
    const args = [
      'run', '-d', '--name', name,
      '--label', 'mlserve.managed-by=mlserve', '--label', `mlserve.server=${s.name}`,
      '-v', `${store}:${CONTAINER_STORE}:ro`,
      ...(host ? ['--network', 'host', '-e', `MLSERVE_HEALTH_URL=http://127.0.0.1:${inf}/ping`] : ['-p', `127.0.0.1:${inf}:8080`, '-p', `127.0.0.1:${met}:8082`, '-p', `127.0.0.1:${grpc}:7070`, ...(o.exposeManagement ? ['-p', `127.0.0.1:${mgmt}:8081`] : [])]),
      ...dockerDeviceArgs(s),
      o.images[s.processor],
      ...serveArgs(s, { store: CONTAINER_STORE, ...addr }, [...o.serveFlags, '--json']),
    ];
    const r = await run('docker', args, { timeout: 120_000 });
    const base = `http://127.0.0.1:${inf}`;
    const d: DeployedServer = {
      name: s.name,
      instance: s.instanceId,
      inference: base,
      metrics: `http://127.0.0.1:${met}`,
      grpcInference: `127.0.0.1:${grpc}`,
      ...(host || o.exposeManagement ? { management: `http://127.0.0.1:${mgmt}` } : {}),
      models: s.models.map((m) => ({ name: m.name, url: `${base}/predictions/${m.name}` })),
      handle: { container: name, ...(r.stdout.trim() ? { id: r.stdout.trim() } : {}) },
    };
    if (r.exitCode !== 0) {
      throw Object.assign(new MlsError('MLS_ERR_DEPLOY_APPLY_FAILED', { dockerRun: { name: s.name, stderr: r.stderr.trim() } }), { started });
    }
    started.push(d);
    await o.onStarted?.(d);
    o.logger.info(`started container ${name} for ${s.name}`);
  }
  for (const d of started) {
    const name = String(d.handle?.container);
    const ok = await waitFor(
      async () => {
        // Ready only when this container says so (its --json ready line) and answers /ping on
        // the address we publish: on the host network another process could hold the port.
        const logs = await run('docker', ['logs', name]);
        const ready = logs.stdout.split('\n').some((l) => l.includes('"event":"ready"'));
        if (ready) {
          const res = await fetch(`${d.inference}/ping`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
          if (res?.ok) return true;
        }
        const st = await run('docker', ['inspect', '-f', '{{.State.Running}}', name]);
        if (st.stdout.trim() === 'false') return false;
        return undefined;
      },
      { timeoutMs: o.readyTimeoutMs, intervalMs: 500 },
    );
    if (ok !== true) {
      const logs = await run('docker', ['logs', '--tail', '20', name]);
      throw Object.assign(
        ok === false
          ? new MlsError('MLS_ERR_DEPLOY_SERVER_START_FAILED', { containerExited: { container: name, server: d.name, logs: `${logs.stdout}${logs.stderr}` } })
          : new MlsError('MLS_ERR_DEPLOY_READY_TIMEOUT', { containerNotReady: { container: name, server: d.name, ms: o.readyTimeoutMs, logs: `${logs.stdout}${logs.stderr}` } }),
        { started },
      );
    }
    o.logger.info(`${d.name} ready at ${d.inference}`);
  }
  return started;
}

export async function stopDocker(d: DeployedServer, logger: Logger): Promise<boolean> {
  const name = d.handle?.container;
  if (typeof name !== 'string') return false;
  const r = await run('docker', ['rm', '-f', name], { timeout: 60_000 });
  if (r.exitCode === 0) logger.info(`removed container ${name}`);
  return r.exitCode === 0;
}

