// The progress views: the rows an event sequence produces, the plain lines, and an ink frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import React from 'react';
import { render } from 'ink';
import { applyTraceEvent, plainTraceView, TraceProgress, type TraceRow } from '../../src/ui/trace-progress.js';
import type { TraceEvent } from '../../src/trace/trace-models.js';
import type { ModelProfile } from '../../src/formats/profiles.js';
import { MlsError } from '../../src/errors.js';

const profile: ModelProfile = { name: 'mlp', replicas: 1, resources: { c5: { memory: 31_000_000, util: 1.5 } }, latency: { p50Ms: 0.2, p90Ms: 0.3 } };
const events: TraceEvent[] = [
  { index: 0, input: 'mlp.onnx', phase: 'queued' },
  { index: 1, input: 'bad.onnx', phase: 'queued' },
  { index: 0, input: 'mlp.onnx', model: 'mlp', phase: 'optimizing' },
  { index: 0, input: 'mlp.onnx', model: 'mlp', phase: 'measuring' },
  { index: 0, input: 'mlp.onnx', model: 'mlp', phase: 'done', profile },
  { index: 1, input: 'bad.onnx', model: 'bad', phase: 'optimizing' },
  { index: 1, input: 'bad.onnx', model: 'bad', phase: 'failed', error: new MlsError('MLS_ERR_TRACE_NOT_ONNX', { model: 'bad', why: 'protobuf parsing failed' }) },
];

test('events fold into one row per model with its figures or its error', () => {
  let rows: TraceRow[] = [];
  events.forEach((e, i) => (rows = applyTraceEvent(rows, e, 1000 * i)));
  assert.equal(rows.length, 2);
  assert.equal(rows[0]!.phase, 'done');
  assert.equal(rows[0]!.ms, 2000);
  assert.match(rows[0]!.detail!, /c5: memory 31MB, util 1.5%, p50 0.2 ms/);
  assert.equal(rows[1]!.phase, 'failed');
  assert.match(rows[1]!.detail!, /^MLS_ERR_TRACE_NOT_ONNX: bad: not an ONNX model/);
});

test('the plain view writes one line per phase change, none for queued', () => {
  const lines: string[] = [];
  const view = plainTraceView((l) => lines.push(l));
  for (const e of events) view.onEvent(e);
  assert.equal(lines.length, 5);
  assert.match(lines[2]!, /^\[trace\] mlp done \(\d+\.\ds\): c5: memory 31MB/);
  assert.match(lines[4]!, /^\[trace\] bad failed .*MLS_ERR_TRACE_NOT_ONNX/);
});

test('the ink view renders every model with its phase', async () => {
  let rows: TraceRow[] = [];
  for (const e of events) rows = applyTraceEvent(rows, e);
  const stdout = Object.assign(new PassThrough(), { columns: 160, rows: 20, isTTY: false }) as unknown as NodeJS.WriteStream;
  let frame = '';
  stdout.on('data', (d: Buffer) => (frame += d.toString()));
  const app = render(React.createElement(TraceProgress, { rows }), { stdout, debug: true, patchConsole: false });
  app.unmount();
  await app.waitUntilExit();
  assert.match(frame, /mlp\s+done/);
  assert.match(frame, /bad\s+failed/);
  assert.match(frame, /MLS_ERR_TRACE_NOT_ONNX/);
});
