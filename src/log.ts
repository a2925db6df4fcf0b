// Progress and logs go to stderr; stdout is for results (and --json). Services take a Logger
// argument instead of printing, so that tests and the ink views can capture what they say.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function stderrLogger(level: LogLevel = (process.env.MLSERVE_LOG_LEVEL as LogLevel) ?? 'info'): Logger {
  const min = ORDER[level] ?? 1;
  const at = (l: LogLevel) => (msg: string) => {
    if (ORDER[l] >= min) process.stderr.write(`${l === 'info' ? '' : `${l}: `}${msg}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A logger that keeps lines in memory (tests, and to attach to reports). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (l: LogLevel) => (msg: string) => void lines.push(`${l}: ${msg}`);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
