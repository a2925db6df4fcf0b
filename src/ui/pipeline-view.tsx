// The pipeline's live view: one line per step with its state and timing (ink on a terminal).
import React from 'react';
import { Box, Text, render, type Instance } from 'ink';
import type { StepState } from '../pipeline/run-pipeline.js';

const MARK: Record<StepState['status'], { mark: string; color: string }> = {
  waiting: { mark: '·', color: 'gray' },
  running: { mark: '▶', color: 'cyan' },
  done: { mark: '✔', color: 'green' },
  skipped: { mark: '↷', color: 'blue' },
  failed: { mark: '✘', color: 'red' },
  'not-run': { mark: ' ', color: 'gray' },
};

export function PipelineSteps({ steps }: { steps: readonly StepState[] }): React.JSX.Element {
  return (
    <Box flexDirection="column">
      {steps.map((s, i) => {
        const m = MARK[s.status];
        return (
          <Box key={i}>
            <Text color={m.color}>{m.mark} </Text>
            <Box width={10}>
              <Text bold={s.status === 'running'}>{s.name}</Text>
            </Box>
            <Box width={12}>
              <Text color={m.color}>{s.status}</Text>
            </Box>
            <Box width={9}>
              <Text color="gray">{s.ms !== undefined ? `${(s.ms / 1000).toFixed(1)}s` : ''}</Text>
            </Box>
            <Text color={s.error ? 'red' : 'gray'}>{s.error ? `${s.error.code}: ${s.error.message}` : (s.detail ?? '')}</Text>
          </Box>
        );
      })}
    </Box>
  );
}

/** A listener that keeps an ink view up to date on stderr; `done()` leaves the last frame. */
export function inkStepsView(): { update: (steps: readonly StepState[]) => void; done: () => void } {
  let app: Instance | undefined;
  return {
    update(steps) {
      const el = <PipelineSteps steps={steps} />;
      if (!app) app = render(el, { stdout: process.stderr, patchConsole: false });
      else app.rerender(el);
    },
    done() {
      app?.unmount();
    },
  };
}

/** Plain lines on stderr when not on a terminal: one line per change of a step's state. */
export function plainStepsView(write: (line: string) => void): { update: (steps: readonly StepState[]) => void; done: () => void } {
  const last = new Map<number, string>();
  return {
    update(steps) {
      // By position: pipeline --loop repeats step names in later rounds.
      for (const [i, s] of steps.entries()) {
        if (last.get(i) === s.status) continue;
        last.set(i, s.status);
        if (s.status === 'waiting' || s.status === 'not-run') continue;
        const t = s.ms !== undefined ? ` (${(s.ms / 1000).toFixed(1)}s)` : '';
        const extra = s.error ? `: ${s.error.code}: ${s.error.message}` : s.detail ? `: ${s.detail}` : '';
        write(`[pipeline] ${s.name} ${s.status}${t}${extra}`);
      }
    },
    done() {},
  };
}
