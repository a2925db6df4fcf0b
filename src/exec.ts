// The one wrapper around execa: every child process mlserve starts goes through here, so that
// environment, cancellation and error reporting are handled once.
import { execa, type ResultPromise, type Options } from 'execa';
import { MlsError } from './errors.js';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and captures its output. Never throws for a non-zero exit. */
export async function run(cmd: string, args: string[], opts: Options = {}): Promise<RunResult> {
  try {
    const r = await execa(cmd, args, { reject: false, ...opts, stdin: opts.stdin ?? 'ignore' });
    return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  } catch (e) {
    throw missingTool(cmd, e);
  }
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
  if (err?.code === 'ENOENT') return new MlsError('MLS_ERR_TOOL_MISSING', `${cmd} was not found`, { cause: e });
  return new MlsError('MLS_ERR_CHILD_PROCESS', `${cmd} could not be started: ${err?.message ?? String(e)}`, { cause: e });
}
