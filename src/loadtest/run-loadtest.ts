// The load test service: sweep concurrency levels (stopping at a throughput plateau or a broken SLO)
// or run the sequential/random single-request baselines, and assemble the report. Never prints:
// progress goes to the onEvent callback.
import { connect } from 'node:net';
import { MlsError } from '../errors.js';
import { runLevel } from './run-level.js';
import { findKnee, meetsSlo } from './slo.js';
import type { LevelResult, LoadtestEvent, LoadtestOptions, LoadtestReport, ModelRequest } from './types.js';
import { mulberry32 } from '../seeded-random.js';
import { allFailed, describeFailure } from './failure.js';

/** Generator CPU (share of one core) or event-loop busy share above which a level's figures are bounded by the client. */
export const CPU_SATURATION = 0.9;

/**
 * `measure` runs one level (default: the autocannon engine for its duration); tests of the sweep's
 * decisions (knee, plateau, SLO stop) pass levels of known figures instead of timing a server.
 */
export async function runLoadtest(
  opts: LoadtestOptions,
  onEvent: (e: LoadtestEvent) => void = () => {},
  signal?: AbortSignal,
  measure: typeof runLevel = runLevel,
): Promise<LoadtestReport> {
  await probeOrigins([...new Set(opts.targets.map((t) => t.origin))]);
  const sequence = opts.mode === 'random' ? randomSequence(opts.targets, opts.seed) : opts.targets;
  const levels = opts.mode === 'sweep' ? opts.concurrency : [1];
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    onEvent({ type: 'warning', message });
  };
  const base = { durationMs: opts.durationMs, timeoutMs: opts.timeoutMs, sequence, percentiles: opts.slo ? [opts.slo.percentile] : [] };

  if (opts.warmupMs > 0) {
    onEvent({ type: 'warmup', concurrency: levels[0]!, durationMs: opts.warmupMs });
    const warm = await measure({ ...base, concurrency: levels[0]!, durationMs: opts.warmupMs }, undefined, signal);
    // Nothing will succeed after a warmup where everything failed: stop before the measured levels.
    if (allFailed(warm)) return finish(opts, [], 'all-errors', warnings, await describeFailure(opts.targets, warm, 'the warmup'));
  }

  const results: LevelResult[] = [];
  let stopReason: LoadtestReport['stopReason'] = 'completed';
  let best = 0;
  let stalled = 0;
  for (const [index, concurrency] of levels.entries()) {
    if (signal?.aborted) throw new MlsError('MLS_ERR_INTERRUPTED', { loadtest: {} });
    onEvent({ type: 'level-start', index, total: levels.length, concurrency, durationMs: opts.durationMs });
    const level = await measure(
      { ...base, concurrency },
      (t) => onEvent({ type: 'tick', concurrency, ...t }),
      signal,
    );
    if (signal?.aborted) throw new MlsError('MLS_ERR_INTERRUPTED', { loadtest: {} });
    if (opts.slo) level.meetsSlo = meetsSlo(level, opts.slo);
    results.push(level);
    onEvent({ type: 'level-done', level });
    if (level.responses === 0 && level.connectionErrors > 0) {
      throw new MlsError('MLS_ERR_LOADTEST_UNREACHABLE', { noResponse: { concurrency, connectionErrors: level.connectionErrors } });
    }
    if (allFailed(level)) {
      stopReason = 'all-errors';
      const failure = await describeFailure(opts.targets, level, `concurrency ${concurrency}`);
      onEvent({ type: 'stop', reason: stopReason, message: failure.message });
      // Nothing ever succeeded: the run measured nothing and fails. After successful levels it is
      // a finding (the server gives up at this load): the sweep stops and the report keeps the rest.
      if (results.every((l) => l.ok === 0)) return finish(opts, results, stopReason, warnings, failure);
      warn(`${failure.message}: the sweep stops at this level`);
      break;
    }
    if (level.generatorCpu >= CPU_SATURATION || level.generatorEventLoop >= CPU_SATURATION) {
      warn(
        `load generator saturated at concurrency ${concurrency} (CPU ${Math.round(level.generatorCpu * 100)}% of one core, ` +
          `event loop busy ${Math.round(level.generatorEventLoop * 100)}%): the client, not the server, may be the bottleneck at this level`,
      );
    }
    if (opts.mode !== 'sweep') break;
    if (opts.slo && !level.meetsSlo) {
      stopReason = 'slo-broken';
      onEvent({ type: 'stop', reason: stopReason, message: `SLO broken at concurrency ${concurrency}` });
      break;
    }
    stalled = index > 0 && level.throughput < best * (1 + opts.minGain) ? stalled + 1 : 0;
    best = Math.max(best, level.throughput);
    if (stalled >= opts.plateauSteps && index < levels.length - 1) {
      stopReason = 'plateau';
      const msg = `throughput gained under ${opts.minGain * 100}% over the last ${stalled} levels`;
      onEvent({ type: 'stop', reason: stopReason, message: msg });
      break;
    }
  }

  return finish(opts, results, stopReason, warnings);
}

function finish(
  opts: LoadtestOptions,
  results: LevelResult[],
  stopReason: LoadtestReport['stopReason'],
  warnings: string[],
  failure?: LoadtestReport['failure'],
): LoadtestReport {
  const knee = opts.mode === 'sweep' ? findKnee(results, opts.slo) : undefined;
  return {
    apiVersion: 'mlserve/v1',
    kind: 'LoadtestReport',
    createdAt: new Date().toISOString(),
    mode: opts.mode,
    ...(opts.mode === 'random' ? { seed: opts.seed } : {}),
    models: opts.targets.map((t) => ({ name: t.model, url: `${t.origin}${t.path}`, payload: t.kind })),
    durationMs: opts.durationMs,
    warmupMs: opts.warmupMs,
    ...(opts.slo ? { slo: { ...opts.slo } } : {}),
    levels: results,
    ...(knee ? { knee: { concurrency: knee.concurrency, throughput: knee.throughput, latencyMs: knee.latencyMs } } : {}),
    stopReason,
    ...(failure ? { failure } : {}),
    warnings,
  };
}

/** A fixed pseudo-random order of models (mulberry32), so a seed reproduces a run. */
export function randomSequence(targets: ModelRequest[], seed: number): ModelRequest[] {
  const draw = mulberry32(seed);
  const next = (): number => draw() / 4294967296;
  const n = Math.max(1000, targets.length * 50);
  return Array.from({ length: n }, () => targets[Math.floor(next() * targets.length)]!);
}

/** Fails fast with a coded error when a server is down, instead of hammering a closed port. */
async function probeOrigins(origins: string[]): Promise<void> {
  await Promise.all(
    origins.map(
      (origin) =>
        new Promise<void>((resolve, reject) => {
          const u = new URL(origin);
          const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
          const sock = connect({ host: u.hostname, port, timeout: 5000 });
          const fail = (why: string): void => {
            sock.destroy();
            reject(new MlsError('MLS_ERR_LOADTEST_UNREACHABLE', { cannotConnect: { origin, why } }, { details: { origin } }));
          };
          sock.once('connect', () => {
            sock.destroy();
            resolve();
          });
          sock.once('timeout', () => fail('timed out after 5s'));
          sock.once('error', (e) => fail(e.message));
        }),
    ),
  );
}
