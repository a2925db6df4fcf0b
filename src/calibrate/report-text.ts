// Text for people: one progress line per configuration measured, and the table of what was written.
import { formatBytes } from '../units.js';
import type { CalibrateEvent, CalibrateResult } from './run-calibrate.js';

export function calibrateProgressLine(e: CalibrateEvent): string {
  if (e.type === 'group-start') return `calibrating ${e.models.join(', ')}\n`;
  if (e.type === 'config-done') {
    const r = e.result;
    const at = r.capacity > 0 ? `${r.capacity.toFixed(1)} req/s at concurrency ${r.concurrency}` : 'SLO not met at any concurrency';
    return `  ${e.model}: batch ${r.config.batchSize} × ${r.config.workers} worker(s): ${at}\n`;
  }
  return `  → batch ${e.best.config.batchSize}, ${e.best.config.workers} worker(s): ${e.best.capacity.toFixed(1)} req/s\n`;
}

export function calibrateText(r: CalibrateResult): string {
  const lines = [`calibrated ${r.models.length} model(s) at ${r.slo} → ${r.profiles}`];
  for (const m of r.models) {
    lines.push(
      `  ${m.name}: ${m.capacity.toFixed(1)} req/s (batch ${m.config.batchSize}, ${m.config.workers} worker(s)), ` +
        `util ${m.util}% at ${m.rps} req/s, memory ${formatBytes(m.memory)}${m.measuredAs !== m.name ? ` (measured as ${m.measuredAs})` : ''}`,
    );
  }
  return lines.join('\n');
}
