// Text for people: one progress line per configuration measured, and the table of what was written.
import { formatBytes } from '../units.js';
import type { CalibrateEvent, CalibrateResult } from './run-calibrate.js';
import type { RecalibrateEvent, RecalibrateResult } from './recalibrate-at-plan.js';

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
        `${m.family} util ${m.util}% at ${m.rps} req/s (capacity over ${m.units} unit(s)), memory ${formatBytes(m.memory)}${m.measuredAs !== m.name ? ` (measured as ${m.measuredAs})` : ''}`,
    );
  }
  return lines.join('\n');
}

export function recalibrateProgressLine(e: RecalibrateEvent): string {
  return `  ${e.server} at ${(e.loadFactor * 100).toFixed(0)}% of its planned load: ${e.meetsSlo ? 'meets' : 'misses'} the SLO\n`;
}

export function recalibrateText(r: RecalibrateResult): string {
  const lines = [`re-calibrated ${r.servers.length} server(s) at their planned load, SLO ${r.slo} → ${r.profiles}`];
  for (const s of r.servers) {
    lines.push(`  ${s.server} (${s.instanceType}): met it at ${(s.loadFactor * 100).toFixed(0)}% of its load; util of ${s.models.join(', ')} ×${s.scale}`);
  }
  return lines.join('\n');
}
