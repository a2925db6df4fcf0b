// Runs one mlserve subcommand as a child process with --json, the way a user or CI would: the
// steps of the pipeline talk to each other only through the files they write.
import { run } from '../exec.js';
import { CLI_PATH, RUNNING_FROM_SOURCE } from '../paths.js';
import { CATALOG, MlsError, type ErrorCode } from '../errors.js';

export interface CliStepResult {
  value: unknown;
  stderr: string;
  exitCode: number;
}

function parseJsonTail(stdout: string): unknown {
  const text = stdout.trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // A long-running command may print event lines; the result is the last JSON document.
    const last = text.split('\n').filter((l) => l.trim().startsWith('{')).pop();
    try {
      return last ? JSON.parse(last) : undefined;
    } catch {
      return undefined;
    }
  }
}

export async function runCliStep(args: string[], opts: { cwd?: string; signal?: AbortSignal } = {}): Promise<CliStepResult> {
  const nodeArgs = RUNNING_FROM_SOURCE ? ['--import', 'tsx', CLI_PATH, ...args, '--json'] : [CLI_PATH, ...args, '--json'];
  const r = await run(process.execPath, nodeArgs, {
    cwd: opts.cwd,
    env: { ...process.env, FORCE_COLOR: '0' },
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
  });
  const value = parseJsonTail(r.stdout);
  if (r.exitCode !== 0) {
    // A failed command prints {ok:false, error}; one that failed in part prints its result with
    // a list of failures (trace: one entry per model that failed).
    type Reported = { code?: string; message?: string; hint?: string };
    const doc = value as { error?: Reported; failures?: Reported[] } | undefined;
    const err = doc?.error ?? doc?.failures?.[0];
    const code = err?.code && err.code in CATALOG ? (err.code as ErrorCode) : 'MLS_ERR_CHILD_PROCESS';
    const message = err?.message ?? (r.stderr.trim().split('\n').slice(-3).join(' | ') || `exit code ${r.exitCode}`);
    throw MlsError.relayed(code, `mlserve ${args[0] ?? ''}: ${message}`, {
      ...(err?.hint ? { hint: err.hint } : {}),
      details: { step: args[0], exitCode: r.exitCode, value, stderr: r.stderr.slice(-4000) },
    });
  }
  return { value, stderr: r.stderr, exitCode: r.exitCode };
}
