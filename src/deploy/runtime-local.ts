// The local runtime: one `mlserve serve` process per server of the plan on this machine, detached
// so it outlives `mlserve deploy`, with its output in <out>/local/<server>/. Each server gets its
// own model store (hard links to the plan's archives). Ports are the kernel's choice (port 0,
// read back from the ready line) unless --base-port asks for fixed ones, which must be free.
import { readFile, rm, open } from 'node:fs/promises';
import { join } from 'node:path';
import { MlsError, reasonOf } from '../errors.js';
import { startNodeDetached } from '../exec.js';
import type { DeployedServer } from '../formats/deployment.js';
import type { Logger } from '../log.js';
import { CLI_PATH } from '../paths.js';
import type { DeployServer } from './deploy-plan.js';
import { linkArchives } from './model-store.js';
import { assertPortsFree } from './ports.js';
import { serveArgs } from './serve-args.js';
import { waitFor } from './wait.js';
import { isProcessAlive as alive } from '../process-alive.js';

export interface LocalOptions {
  outDir: string;
  basePort?: number; // server i listens on basePort+3i (inference), +1 (management), +2 (metrics)
  readyTimeoutMs: number;
  extraServeArgs?: string[];
  logger: Logger;
  /** Called after each server is up, so a failure later still leaves a record of it. */
  onStarted?: (s: DeployedServer) => Promise<void>;
}

interface ReadyLine {
  event: 'ready';
  pid: number;
  inference: string;
  management?: string;
  metrics?: string;
}

function addresses(i: number, basePort?: number): { inference: string; management: string; metrics: string; grpcInference: string; grpcManagement: string } {
  const at = (k: number) => `127.0.0.1:${basePort === undefined ? 0 : basePort + 3 * i + k}`;
  // gRPC on ports the kernel picks: several servers on one machine cannot all have 7070.
  return { inference: at(0), management: at(1), metrics: at(2), grpcInference: '127.0.0.1:0', grpcManagement: '127.0.0.1:0' };
}

export async function startLocal(servers: DeployServer[], o: LocalOptions): Promise<DeployedServer[]> {
  if (o.basePort !== undefined) {
    await assertPortsFree(
      servers.flatMap((s, i) => {
        const a = addresses(i, o.basePort);
        return (['inference', 'management', 'metrics'] as const).map((k) => ({ port: Number(a[k].split(':')[1]), what: `${s.name} ${k}` }));
      }),
    );
  }
  // Start every server, then wait for all: model loading overlaps across servers.
  const starting = await Promise.all(
    servers.map(async (s, i) => {
      const dir = join(o.outDir, 'local', s.dnsName);
      await rm(dir, { recursive: true, force: true });
      const store = join(dir, 'model-store');
      await linkArchives(s, store);
      const out = join(dir, 'serve.out');
      const err = join(dir, 'serve.log');
      const args = [...serveArgs(s, { store, ...addresses(i, o.basePort) }, o.extraServeArgs), '--json', '--pid-file', join(dir, 'serve.pid')];
      // cwd stays ours: under tsx (development) the child's `--import tsx` resolves from it.
      // The child writes to its files through its own descriptors. execa's `{ file }` targets
      // are streams piped through this process: once `mlserve deploy` exits, the server's next
      // log line would hit a closed pipe (SIGPIPE) and take it down.
      const outFile = await open(out, 'w');
      const errFile = await open(err, 'w');
      // Detached: its own session, so it survives this command and Ctrl-C in its terminal.
      const child = startNodeDetached(CLI_PATH, args, { stdoutFd: outFile.fd, stderrFd: errFile.fd });
      await Promise.all([outFile.close(), errFile.close()]);
      let exited: number | undefined;
      void child.exited.then((code) => (exited = code));
      child.unref();
      o.logger.info(`starting ${s.name} (pid ${child.pid}) with ${s.models.length} model(s)`);
      return { s, child, out, err, dir, requested: addresses(i, o.basePort).inference, exitedCode: () => exited };
    }),
  );
  const started: DeployedServer[] = [];
  let failure: MlsError | undefined;
  for (const st of starting) {
    const handle = { pid: st.child.pid ?? -1, log: st.err, dir: st.dir };
    try {
      const ready = await waitFor(
        async () => {
          const line = (await readFile(st.out, 'utf8').catch(() => '')).split('\n').find((l) => l.includes('"ready"'));
          if (line) return JSON.parse(line) as ReadyLine;
          const code = st.exitedCode();
          if (code !== undefined) throw await startFailed(st.s.name, st.err, { code });
          return undefined;
        },
        { timeoutMs: o.readyTimeoutMs, intervalMs: 100 },
      );
      if (!ready) throw await startFailed(st.s.name, st.err, { ms: o.readyTimeoutMs });
      const d: DeployedServer = {
        name: st.s.name,
        instance: st.s.instanceId,
        inference: ready.inference,
        management: ready.management,
        metrics: ready.metrics,
        models: st.s.models.map((m) => ({ name: m.name, url: `${ready.inference}/predictions/${m.name}` })),
        handle,
      };
      started.push(d);
      await o.onStarted?.(d);
      o.logger.info(`${st.s.name} ready at ${ready.inference}`);
    } catch (e) {
      failure ??= e instanceof MlsError ? e : new MlsError('MLS_ERR_DEPLOY_SERVER_START_FAILED', { failed: { name: st.s.name, reason: reasonOf(e) } }, { cause: e });
      // The process may still be alive (slow, or stuck): record it so --down can stop it.
      const d: DeployedServer = { name: st.s.name, instance: st.s.instanceId, inference: `http://${st.requested}`, models: [], handle };
      started.push(d);
      await o.onStarted?.(d);
    }
  }
  if (failure) throw Object.assign(failure, { started });
  return started;
}

/** The server exited (with its exit code) or was not ready in time (after `ms`). */
async function startFailed(name: string, log: string, how: { code: number | string } | { ms: number }): Promise<MlsError> {
  const tail = (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').slice(-8).join('\n');
  const details = { details: { server: name, log } };
  return 'code' in how
    ? new MlsError('MLS_ERR_DEPLOY_SERVER_START_FAILED', { serverExited: { name, code: how.code, log, tail } }, details)
    : new MlsError('MLS_ERR_DEPLOY_READY_TIMEOUT', { serverNotReady: { name, ms: how.ms, log, tail } }, details);
}

/** Stops a server started by startLocal: SIGTERM, then SIGKILL after the grace period. */
export async function stopLocal(d: DeployedServer, logger: Logger, graceMs = 10_000): Promise<boolean> {
  const pid = Number(d.handle?.pid);
  if (!Number.isInteger(pid) || pid <= 0 || !(await isOurServer(pid))) return false;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return false;
  }
  const gone = await waitFor(async () => (alive(pid) ? undefined : true), { timeoutMs: graceMs, intervalMs: 100 });
  if (!gone) {
    logger.warn(`${d.name} (pid ${pid}) did not stop in ${graceMs} ms: killing it`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* exited meanwhile */
    }
    await waitFor(async () => (alive(pid) ? undefined : true), { timeoutMs: 5000, intervalMs: 100 });
  }
  logger.info(`stopped ${d.name} (pid ${pid})`);
  return true;
}

/** A pid is reused after its process ends: only signal it if it still runs `serve`. */
async function isOurServer(pid: number): Promise<boolean> {
  if (!alive(pid)) return false;
  try {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return cmdline.includes('serve');
  } catch {
    return process.platform !== 'linux'; // no /proc: trust the recorded pid
  }
}
