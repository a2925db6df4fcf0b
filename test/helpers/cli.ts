// Runs the mlserve CLI as a child process, from dist/ when the tests are compiled, or through tsx
// when they run from TypeScript sources.
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI_PATH, RUNNING_FROM_SOURCE } from '../../src/paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const nodeArgs = RUNNING_FROM_SOURCE ? ['--import', 'tsx', CLI_PATH, ...args] : [CLI_PATH, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** The JSON line `mlserve serve --json` prints once it listens with its initial models loaded. */
export interface ServeReady {
  event: string;
  pid: number;
  inference: string;
  management: string;
  metrics: string;
  models: string[];
}

/** Loopback listeners on ports the kernel picks, gRPC off (its default ports would collide). */
export const PORTS0 = ['--inference-address', '127.0.0.1:0', '--management-address', '127.0.0.1:0', '--metrics-address', '127.0.0.1:0', '--no-grpc'];

/** Starts `mlserve serve ... --json` and resolves its ready line; `stderr()` is what it logged so far. */
export function startCli(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): { child: ChildProcess; ready: Promise<ServeReady>; exit: Promise<number | null>; stderr: () => string } {
  const nodeArgs = RUNNING_FROM_SOURCE ? ['--import', 'tsx', CLI_PATH] : [CLI_PATH];
  const child = spawn(process.execPath, [...nodeArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const ready = new Promise<ServeReady>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as ServeReady);
    });
    void exit.then((code) => reject(new Error(`serve exited with ${code} before ready: ${err}`)));
  });
  return { child, ready, exit, stderr: () => err };
}
