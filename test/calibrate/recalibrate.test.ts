// The loop's correction from a re-measured server (the measurement itself runs in
// test/pipeline/calibration-loop.test.ts, on real servers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colocationScale, scaled, serverCap } from '../../src/calibrate/recalibrate-at-plan.js';
import { loadCatalog } from '../../src/trace/estimate.js';
import type { Plan } from '../../src/formats/plan.js';

test('a server that met the SLO at share f of its load: its mix now fills the cap at f, so it no longer fits at the full rate', async () => {
  const catalog = await loadCatalog();
  const plan = { caps: { util: 73 } } as Plan;
  const cap = serverCap(plan, catalog, 'c5.large', 'c5'); // per vCPU: 73 × 2
  assert.equal(cap, 146);
  assert.equal(serverCap(plan, catalog, 'inf1.xlarge', 'inf1'), 73, 'per processor on an accelerator');
  // Two models of util 60 (120 of 146) met the SLO at 80% of their rate.
  const scale = colocationScale(cap, 120, 0.8);
  assert.ok(Math.abs(scale - 146 / 96) < 1e-9);
  const each = 60 * scale;
  assert.ok(2 * each > cap && each <= cap, `each ${each}: apart they fit, together they do not`);
  // A server packed far below its cap still gets at least 1/f.
  assert.equal(colocationScale(146, 200, 0.5), 2);
});

test('only a calibrated profile can be corrected: a traced one is refused with its code', () => {
  const traced = { name: 'a', resources: { c5: { memory: 10, util: 5 } }, measured: { basis: 'traced' } };
  const server = { server: 's0', instanceType: 'c5.large', models: ['a'], loadFactor: 0.5, scale: 2 };
  assert.throws(
    () => scaled(traced as never, { family: 'c5', scale: 2 }, '2026-01-01T00:00:00Z', server as never),
    (e: Error & { code?: string }) => e.code === 'MLS_ERR_CALIBRATE_NOT_CALIBRATED' && /model "a" has no calibration/.test(e.message),
  );
});
