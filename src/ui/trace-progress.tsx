// Progress of `mlserve trace`: one line per model with its phase, and its figures once measured
// (ink on a terminal; plain lines on stderr otherwise). Presentation only: it is fed TraceEvents.
import React from 'react';
import { Box, Text, render, type Instance } from 'ink';
import { Spinner } from '@inkjs/ui';
import type { TraceEvent, TracePhase } from '../trace/trace-models.js';
import type { ModelProfile } from '../formats/profiles.js';
import { formatBytes } from '../units.js';

export interface TraceRow {
  input: string;
  model?: string;
  phase: TracePhase;
  detail?: string;
  startedAt?: number;
  ms?: number;
}

const COLOR: Record<TracePhase, string> = {
  queued: 'gray',
  optimizing: 'cyan',
  measuring: 'cyan',
  archiving: 'cyan',
  done: 'green',
  failed: 'red',
};

/** One line of figures: memory, util and batch-1 latency of the measured family. */
export function profileSummary(p: ModelProfile): string {
  const [family, r] = Object.entries(p.resources)[0] ?? [];
  if (!family || !r) return '';
  return `${family}: memory ${formatBytes(r.memory)}, util ${r.util}%, p50 ${p.latency?.p50Ms ?? '?'} ms, p90 ${p.latency?.p90Ms ?? '?'} ms`;
}

/** Folds an event into the rows (pure, so both views and tests share it). */
export function applyTraceEvent(rows: TraceRow[], e: TraceEvent, now = Date.now()): TraceRow[] {
  const next = [...rows];
  const prev = next[e.index] ?? { input: e.input, phase: 'queued' as TracePhase };
  const row: TraceRow = { ...prev, phase: e.phase, ...(e.model ? { model: e.model } : {}) };
  if (e.phase === 'optimizing') row.startedAt = now;
  if ((e.phase === 'done' || e.phase === 'failed') && row.startedAt !== undefined) row.ms = now - row.startedAt;
  if (e.profile) row.detail = profileSummary(e.profile);
  if (e.error) row.detail = `${e.error.code}: ${e.error.message}`;
  next[e.index] = row;
  return next;
}

export function TraceProgress({ rows }: { rows: readonly TraceRow[] }): React.JSX.Element {
  const width = Math.min(40, Math.max(8, ...rows.map((r) => (r.model ?? r.input).length + 2)));
  return (
    <Box flexDirection="column">
      {rows.map((r, i) => {
        const busy = r.phase === 'optimizing' || r.phase === 'measuring' || r.phase === 'archiving';
        return (
          <Box key={i}>
            <Box width={2}>{busy ? <Spinner /> : <Text color={COLOR[r.phase]}>{r.phase === 'done' ? '✔' : r.phase === 'failed' ? '✘' : '·'}</Text>}</Box>
            <Box width={width}>
              <Text bold={busy}>{r.model ?? r.input}</Text>
            </Box>
            <Box width={12}>
              <Text color={COLOR[r.phase]}>{r.phase}</Text>
            </Box>
            <Box width={8}>
              <Text color="gray">{r.ms !== undefined ? `${(r.ms / 1000).toFixed(1)}s` : ''}</Text>
            </Box>
            <Text color={r.phase === 'failed' ? 'red' : 'gray'} wrap="truncate-end">
              {r.detail ?? ''}
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}

export interface TraceView {
  onEvent(e: TraceEvent): void;
  done(): void;
}

/** The ink view on stderr; `done()` leaves the last frame on screen. */
export function inkTraceView(): TraceView {
  let rows: TraceRow[] = [];
  let app: Instance | undefined;
  return {
    onEvent(e) {
      rows = applyTraceEvent(rows, e);
      const el = <TraceProgress rows={rows} />;
      if (!app) app = render(el, { stdout: process.stderr, patchConsole: false });
      else app.rerender(el);
    },
    done() {
      app?.unmount();
    },
  };
}

/** Plain lines when stderr is not a terminal: one line per phase change (queued is not shown). */
export function plainTraceView(write: (line: string) => void): TraceView {
  let rows: TraceRow[] = [];
  return {
    onEvent(e) {
      rows = applyTraceEvent(rows, e);
      if (e.phase === 'queued') return;
      const r = rows[e.index]!;
      const t = r.ms !== undefined ? ` (${(r.ms / 1000).toFixed(1)}s)` : '';
      write(`[trace] ${r.model ?? r.input} ${r.phase}${t}${r.detail ? `: ${r.detail}` : ''}`);
    },
    done() {},
  };
}
