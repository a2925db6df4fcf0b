// The shapes the load test passes around: what to hit (targets), how (options), and what it found
// (levels, report). report.json is the serialized LoadtestReport.

export type LoadtestMode = 'sweep' | 'sequential' | 'random';

/** One HTTP request template for one model, ready for autocannon. */
export interface ModelRequest {
  model: string;
  /** scheme://host:port the request goes to (one autocannon instance per origin). */
  origin: string;
  method: 'POST' | 'GET';
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** How the body was built, for the report: json, kserve-v2, multipart, binary, empty. */
  kind: PayloadKind;
}

export type PayloadKind = 'json' | 'kserve-v2' | 'multipart' | 'binary' | 'empty';

export interface Slo {
  /** Percentile the latency target applies to, e.g. 90 or 99.9. */
  percentile: Percentile;
  thresholdMs: number;
  /** Highest share of failed requests (non-2xx, timeouts, connection errors), 0..1; undefined = not checked. */
  maxErrorRate?: number;
}

/** A percentile in (0, 100], e.g. 90 or 99.9. */
export type Percentile = number;

export interface LoadtestOptions {
  mode: LoadtestMode;
  targets: ModelRequest[];
  /** Concurrency levels to try in sweep mode, ascending. Ignored by sequential/random (always 1). */
  concurrency: number[];
  durationMs: number;
  warmupMs: number;
  /** Per-request timeout; autocannon's unit is whole seconds, minimum 1 s. */
  timeoutMs: number;
  slo?: Slo;
  /** Stop a sweep when this many consecutive levels each gain less than minGain in throughput. */
  plateauSteps: number;
  minGain: number;
  /** Seed of the random mode's model order, so runs can be repeated. */
  seed: number;
}

/** Exact latency summary in milliseconds (sub-millisecond precision). */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  /** Other percentiles asked for (the SLO's, such as p99.9), keyed by the number: { "99.9": 41.2 }. */
  at?: Record<string, number>;
}

export interface ModelLevelStats {
  model: string;
  /** Responses with a 2xx status. */
  ok: number;
  /** Responses by status code (all statuses, 2xx included). */
  statuses: Record<string, number>;
  timeouts: number;
  latencyMs: LatencySummary;
}

export interface LevelResult {
  /** Requested concurrency (closed-loop connections, pipelining 1). */
  concurrency: number;
  /** Connections actually opened (at least one per server origin). */
  connections: number;
  durationMs: number;
  /** Every response received, any status. */
  responses: number;
  ok: number;
  /** Successful (2xx) responses per second: the throughput the knee is chosen on. */
  throughput: number;
  /** All responses per second. */
  requestsPerSecond: number;
  statuses: Record<string, number>;
  timeouts: number;
  /** Connection errors (refused, reset), timeouts excluded. */
  connectionErrors: number;
  /** Share of attempts that failed: (non-2xx + timeouts + connection errors) / attempts. */
  errorRate: number;
  /**
   * Latency of 2xx responses, the first one on each new connection excluded (it includes the TCP
   * handshake): latencyMs.count can be lower than ok by up to the number of connections opened.
   */
  latencyMs: LatencySummary;
  models: ModelLevelStats[];
  /** Load generator CPU time / wall time (1 = one core saturated). */
  generatorCpu: number;
  /**
   * Share of the time the generator's event loop was busy (0..1). On a machine shared with other
   * work the process may get less than a core, so CPU time alone understates saturation; a loop
   * that never waits is the generator being the bottleneck either way.
   */
  generatorEventLoop: number;
  meetsSlo?: boolean;
}

export interface LoadtestReport {
  apiVersion: 'mlserve/v1';
  kind: 'LoadtestReport';
  createdAt: string;
  mode: LoadtestMode;
  /** Random mode's seed (the same seed repeats the same order of models). */
  seed?: number;
  models: Array<{ name: string; url: string; payload: PayloadKind }>;
  durationMs: number;
  warmupMs: number;
  slo?: { percentile: Percentile; thresholdMs: number; maxErrorRate?: number };
  levels: LevelResult[];
  /** Sweep: the level with the highest throughput meeting the SLO (highest overall without one). */
  knee?: { concurrency: number; throughput: number; latencyMs: LatencySummary };
  /** Why the run ended: all levels run, plateau, SLO broken, or every request failed. */
  stopReason: 'completed' | 'plateau' | 'slo-broken' | 'all-errors';
  /** With stopReason all-errors: what failed and one failing answer as the server gave it. */
  failure?: LoadFailure;
  warnings: string[];
}

export interface LoadFailure {
  message: string;
  /** The arguments of MLS_ERR_LOADTEST_ALL_ERRORS's message. */
  args: { where: string; counts: string; answer: string };
  statuses: Record<string, number>;
  timeouts: number;
  /** One request of the first model sent again, and the server's answer to it. */
  sample?: { model: string; status: number; body: string };
}

/** Progress events for live views (ink) and plain stderr lines. */
export type LoadtestEvent =
  | { type: 'warmup'; concurrency: number; durationMs: number }
  | { type: 'level-start'; index: number; total: number; concurrency: number; durationMs: number }
  | { type: 'tick'; concurrency: number; elapsedMs: number; responses: number; ok: number; errors: number }
  | { type: 'level-done'; level: LevelResult }
  | { type: 'stop'; reason: LoadtestReport['stopReason']; message: string }
  | { type: 'warning'; message: string };
