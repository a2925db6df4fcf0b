// The calibration server: one `mlserve serve` child process (through src/exec.ts, as deploy's
// local runtime runs it) on loopback ports of the kernel's choice, with a model store of its own
// holding links to the archives calibrated. Each configuration tried is a fresh registration
// through the management API (batch_size, max_batch_delay, initial_workers), so the server runs
// exactly the configuration measured; the model's own model-config.yaml supplies the rest.
import { mkdir, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { MlsError } from '../errors.js';
import { startNode } from '../exec.js';
import { CLI_PATH } from '../paths.js';
import { linkOrCopy } from '../deploy/model-store.js';
import { serverProcessorArgs, type CalibrationDevice } from './device-check.js';

export interface ServerConfig {
  batchSize: number;
  maxBatchDelay: number; // ms
  workers: number;
}

export interface CalibrationServer {
  inference: string;
  management: string;
  /** Registers `name` (its archive linked into the store) with exactly this configuration, replacing an earlier registration. */
  load(name: string, archive: string, c: ServerConfig): Promise<void>;
  /** Resident memory of the model's worker processes, in bytes (the describe API's memoryUsage). */
  memory(name: string): Promise<number>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

export async function startCalibrationServer(device: CalibrationDevice = { processor: 'cpu' }): Promise<CalibrationServer> {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-calibrate-'));
  const store = join(dir, 'model-store');
  const any = '127.0.0.1:0';
  const args = ['serve', '--model-store', store, '--inference-address', any, '--management-address', any, '--metrics-address', any];
  // No gRPC: calibration loads over HTTP, and fixed gRPC ports would collide with any other server.
  args.push('--no-grpc', '--json', '--no-snapshot', '--pid-file', join(dir, 'serve.pid'), ...serverProcessorArgs(device));
  await mkdir(store);
  const child = startNode(CLI_PATH, args, { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', buffer: false });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const ready = await new Promise<{ inference: string; management: string }>((resolveReady, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new MlsError('MLS_ERR_CALIBRATE_SERVER_FAILED', { notReady: { ms: READY_TIMEOUT_MS, logTail: logTail(stderr) } })), READY_TIMEOUT_MS);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes('"ready"'));
      if (!line) return;
      clearTimeout(timer);
      resolveReady(JSON.parse(line) as { inference: string; management: string });
    });
    void child.then((r) => {
      clearTimeout(timer);
      reject(new MlsError('MLS_ERR_CALIBRATE_SERVER_FAILED', { exited: { how: String(r.exitCode ?? r.signal), logTail: logTail(stderr) } }));
    });
  }).catch(async (e: unknown) => {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw e;
  });

  const loaded = new Set<string>();
  const api = async (method: string, path: string): Promise<Response> => {
    const res = await fetch(`${ready.management}${path}`, { method });
    if (!res.ok) throw new MlsError('MLS_ERR_CALIBRATE_SERVER_FAILED', { answered: { method, path, status: res.status, body: (await res.text()).slice(0, 500), logTail: logTail(stderr) } });
    return res;
  };
  return {
    inference: ready.inference,
    management: ready.management,
    async load(name, archive, c) {
      if (loaded.has(name)) {
        await api('DELETE', `/models/${encodeURIComponent(name)}`);
        loaded.delete(name);
      }
      const file = basename(resolve(archive));
      const dest = join(store, file);
      if (!(await stat(dest).catch(() => undefined))) {
        if ((await stat(archive)).isDirectory()) await symlink(resolve(archive), dest, 'dir');
        else await linkOrCopy(archive, dest);
      }
      const q = new URLSearchParams({
        url: file,
        model_name: name,
        batch_size: String(c.batchSize),
        max_batch_delay: String(c.maxBatchDelay),
        initial_workers: String(c.workers),
        synchronous: 'true',
      });
      await api('POST', `/models?${q}`);
      loaded.add(name);
    },
    async memory(name) {
      const body = (await (await api('GET', `/models/${encodeURIComponent(name)}`)).json()) as Array<{ workers?: Array<{ memoryUsage?: number }> }>;
      return (body[0]?.workers ?? []).reduce((a, w) => a + (w.memoryUsage ?? 0), 0);
    },
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await child;
      clearTimeout(killer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The server's last stderr lines, quoted after the message. */
function logTail(stderr: string): string {
  const tail = stderr.trim().split('\n').slice(-8).join('\n');
  return tail ? `:\n${tail}` : '';
}
