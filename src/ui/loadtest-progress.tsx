// Live progress of a load test. On a TTY: an ink view on stderr (current level with a progress bar,
// live counts, finished levels). Otherwise: plain lines on stderr, one per level and warning.
// Presentation only: it consumes LoadtestEvents from the service.
import React from 'react';
import { Box, Text, render, type Instance } from 'ink';
import type { LevelResult, LoadtestEvent } from '../loadtest/types.js';

export interface LoadtestProgress {
  onEvent(e: LoadtestEvent): void;
  close(): void;
}

const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '-');

function levelLine(l: LevelResult): string {
  const errs = l.responses - l.ok + l.timeouts + l.connectionErrors;
  const slo = l.meetsSlo === undefined ? '' : l.meetsSlo ? '  SLO ok' : '  SLO MISS';
  return (
    `c=${l.concurrency}  ${l.throughput.toFixed(1)} req/s  p50 ${ms(l.latencyMs.p50)}  p90 ${ms(l.latencyMs.p90)}  ` +
    `p95 ${ms(l.latencyMs.p95)}  p99 ${ms(l.latencyMs.p99)} ms  errors ${errs}${slo}`
  );
}

interface ViewState {
  phase: string;
  current?: { concurrency: number; index: number; total: number; durationMs: number; elapsedMs: number; responses: number; ok: number; errors: number };
  done: LevelResult[];
  notes: string[];
}

function bar(fraction: number, width = 24): string {
  const n = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `${'█'.repeat(n)}${'░'.repeat(width - n)}`;
}

function LoadtestView({ state }: { state: ViewState }): React.JSX.Element {
  const c = state.current;
  return (
    <Box flexDirection="column">
      {state.done.map((l) => (
        <Text key={l.concurrency} color={l.meetsSlo === false ? 'red' : 'green'}>
          ✓ {levelLine(l)}
        </Text>
      ))}
      {state.notes.map((n, i) => (
        <Text key={`n${i}`} color="yellow">
          {n}
        </Text>
      ))}
      {c ? (
        <Text>
          <Text color="cyan">
            level {c.index + 1}/{c.total} c={c.concurrency}
          </Text>{' '}
          {bar(c.elapsedMs / c.durationMs)} {(c.elapsedMs / 1000).toFixed(1)}s  {c.responses} responses  {c.errors} errors  {' '}
          {(c.ok / Math.max(0.001, c.elapsedMs / 1000)).toFixed(0)} req/s
        </Text>
      ) : (
        <Text dimColor>{state.phase}</Text>
      )}
    </Box>
  );
}

function inkProgress(): LoadtestProgress {
  const state: ViewState = { phase: 'starting', done: [], notes: [] };
  let instance: Instance | undefined = render(<LoadtestView state={state} />, { stdout: process.stderr, patchConsole: false });
  const redraw = (): void => instance?.rerender(<LoadtestView state={{ ...state, done: [...state.done], notes: [...state.notes] }} />);
  return {
    onEvent(e) {
      if (e.type === 'warmup') state.phase = `warming up at concurrency ${e.concurrency} for ${e.durationMs / 1000}s`;
      else if (e.type === 'level-start') {
        state.current = { concurrency: e.concurrency, index: e.index, total: e.total, durationMs: e.durationMs, elapsedMs: 0, responses: 0, ok: 0, errors: 0 };
      } else if (e.type === 'tick' && state.current) Object.assign(state.current, e);
      else if (e.type === 'level-done') {
        state.done.push(e.level);
        state.current = undefined;
        state.phase = '';
      } else if (e.type === 'warning') state.notes.push(`warning: ${e.message}`);
      else if (e.type === 'stop') state.notes.push(`stopping: ${e.message}`);
      redraw();
    },
    close() {
      instance?.unmount();
      instance = undefined;
    },
  };
}

function lineProgress(write: (s: string) => void): LoadtestProgress {
  return {
    onEvent(e) {
      if (e.type === 'warmup') write(`warming up at concurrency ${e.concurrency} for ${e.durationMs / 1000}s`);
      else if (e.type === 'level-start') write(`level ${e.index + 1}/${e.total}: concurrency ${e.concurrency} for ${e.durationMs / 1000}s`);
      else if (e.type === 'level-done') write(`  ${levelLine(e.level)}`);
      else if (e.type === 'warning') write(`warning: ${e.message}`);
      else if (e.type === 'stop') write(`stopping: ${e.message}`);
    },
    close() {},
  };
}

/** Ink on an interactive terminal, plain stderr lines otherwise. */
export function createLoadtestProgress(opts: { tty: boolean }): LoadtestProgress {
  return opts.tty ? inkProgress() : lineProgress((s) => process.stderr.write(`${s}\n`));
}
