// The one wrapper around execa: every child process mlserve starts goes through here, so that
// environment, cancellation and error reporting are handled once.
import { spawn as spawnChild } from 'node:child_process';
import { execa, type ResultPromise, type Options } from 'execa';
import { MlsError } from './errors.js';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and captures its output. Never throws for a non-zero exit. */
export async function run(cmd: string, args: string[], opts: Options = {}): Promise<RunResult> {
  let r;
  try {
    r = await execa(cmd, args, { reject: false, ...opts, stdin: opts.stdin ?? 'ignore' });
  } catch (e) {
    throw missingTool(cmd, e);
  }
  // With reject: false execa answers a child that never started (no such tool, a bad cwd) with a
  // failed result, not a throw: without this it read as exit code 1 with no output.
  const neverStarted = r.failed && r.exitCode === undefined && r.signal === undefined && !r.timedOut && !r.isCanceled;
  if (neverStarted) throw missingTool(cmd, r.cause ?? r);
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** Starts a long-running child; the caller owns it (kill, await). */
export function start(cmd: string, args: string[], opts: Options = {}): ResultPromise {
  return execa(cmd, args, { reject: false, ...opts });
}

/** Starts a Node.js script as a child process with the same execArgv (tsx in development). */
export function startNode(script: string, args: string[], opts: Options = {}): ResultPromise {
  return execa(process.execPath, [...process.execArgv, script, ...args], { reject: false, ...opts });
}

/** True if `cmd` can be found on PATH. */
export async function hasCommand(cmd: string): Promise<boolean> {
  const r = await execa('sh', ['-c', `command -v ${JSON.stringify(cmd)}`], { reject: false });
  return r.exitCode === 0;
}

function missingTool(cmd: string, e: unknown): MlsError {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return new MlsError('MLS_ERR_TOOL_MISSING', { cmd }, { cause: e });
  return new MlsError('MLS_ERR_CHILD_PROCESS', { cmd, reason: err?.message ?? String(e) }, { cause: e });
}

export interface DetachedChild {
  pid: number | undefined;
  /** Resolves with the exit code (or -1 when killed by a signal) if the child ends while we run. */
  exited: Promise<number>;
  unref(): void;
}

/**
 * Starts a Node.js script detached from this process (its own session), writing straight to the
 * given file descriptors. Unlike execa's `{ file }` targets, which are streams piped through the
 * parent, the child keeps its output after the parent exits (no SIGPIPE on its next log line).
 */
export function startNodeDetached(script: string, args: string[], opts: { stdoutFd: number; stderrFd: number; cwd?: string; env?: NodeJS.ProcessEnv }): DetachedChild {
  const child = spawnChild(process.execPath, [...process.execArgv, script, ...args], {
    detached: true,
    stdio: ['ignore', opts.stdoutFd, opts.stderrFd],
    cwd: opts.cwd,
    env: opts.env ?? process.env,
  });
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code) => resolve(code ?? -1));
    child.once('error', () => resolve(-1));
  });
  return { pid: child.pid, exited, unref: () => child.unref() };
}
