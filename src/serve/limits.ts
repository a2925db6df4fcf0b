// Every fixed limit of the server, in one table: its default, its unit and what it bounds. The types
// (`HttpLimits`, `WorkerLimits`), their defaults and the table in src/serve/DESIGN.md ("Time and
// limits", written by `npm run limits:doc`) all come from here, so a new limit is one row below.
// test/unit/limits-contract.test.ts checks that each row is read by the server, named by a test and
// documented. The values travel in `ServeOptions.httpLimits` / `ServeOptions.workerLimits`
// (config.ts defaultOptions), so a test gives short ones instead of waiting.

export interface LimitSpec<T> {
  default: T;
  unit: 'ms' | 'bytes' | 'ms, by failures in a row';
  /** What it bounds, for the DESIGN table (one sentence). */
  doc: string;
}

const ms = (value: number, doc: string): LimitSpec<number> => ({ default: value, unit: 'ms', doc });
const bytes = (value: number, doc: string): LimitSpec<number> => ({ default: value, unit: 'bytes', doc });

/** The groups, by the `ServeOptions` field that carries them and the modules that read them. */
export const LIMITS = {
  httpLimits: {
    usedBy: 'inference transport (http/http1-server.ts), node:http listeners (server.ts)',
    specs: {
      maxHeaderSize: bytes(16 * 1024, 'Request line and headers; past it: 431.'),
      headersTimeoutMs: ms(10_000, 'From a request\'s first byte to the end of its headers; past it: 408 (slowloris).'),
      requestTimeoutMs: ms(120_000, 'From a request\'s first byte to the end of its body; past it: 408.'),
      keepAliveTimeoutMs: ms(5_000, 'An idle keep-alive connection is closed after this.'),
      firstByteTimeoutMs: ms(10_000, 'A connection that sends nothing at all is closed after this.'),
      sweepIntervalMs: ms(1_000, 'How often the transport enforces its timeouts and renews the Date header; 0: only by `sweep()` (tests).'),
    },
  },
  workerLimits: {
    usedBy: 'ModelPool, WorkerGroup, WorkerProcess, the Node worker (frontend/, worker/)',
    specs: {
      backoffMs: { default: [100, 1000, 2000, 4000, 8000, 16000, 30000], unit: 'ms, by failures in a row', doc: 'Wait before starting a replacement worker, by failures in a row (the last repeats).' } as LimitSpec<readonly number[]>,
      stableMs: ms(5000, 'A worker that dies sooner than this after loading counts as a failure for the backoff.'),
      deadlineSweepMs: ms(100, 'How often a worker\'s response deadlines are checked (one sweep per worker, not a timer per request).'),
      retireWaitMs: ms(30_000, 'How long a worker retired by scaling down may finish its batches before it is stopped.'),
      stopGraceMs: ms(2000, 'SIGTERM to SIGKILL when a worker is stopped.'),
      rssCheckMs: ms(200, 'How often, at most, a Node worker holding a model with maxWorkerMemory reads its RSS (a /proc read).'),
    },
  },
} as const;

type Values<S> = { [K in keyof S]: S[K] extends LimitSpec<infer T> ? T : never };
type Specs = { [G in keyof typeof LIMITS]: (typeof LIMITS)[G]['specs'] };

/** The transport's bounds on slow and large requests. */
export type HttpLimits = Values<Specs['httpLimits']>;
/** The limits of worker supervision (per-model limits are the model's own settings). */
export type WorkerLimits = Values<Specs['workerLimits']>;

function defaults<S extends Record<string, LimitSpec<unknown>>>(specs: S): Values<S> {
  return Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.default])) as Values<S>;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = defaults(LIMITS.httpLimits.specs);
export const DEFAULT_WORKER_LIMITS: WorkerLimits = defaults(LIMITS.workerLimits.specs);

/** The "Time and limits" table of src/serve/DESIGN.md (markdown), from the rows above. */
export function limitsTable(): string {
  const rows = Object.entries(LIMITS).flatMap(([group, g]) => [
    `| **\`${group}\`** | | | read by ${g.usedBy} |`,
    ...Object.entries(g.specs as Record<string, LimitSpec<unknown>>).map(([name, s]) => {
      const value = Array.isArray(s.default) ? s.default.join(', ') : String(s.default);
      return `| \`${group}.${name}\` | ${value} | ${s.unit} | ${s.doc} |`;
    }),
  ]);
  return ['| limit (`ServeOptions.…`) | default | unit | bounds |', '|---|---|---|---|', ...rows].join('\n');
}
