// The text `mlserve trace` prints on stdout: a table of the profiles (memory and util per family,
// batch-1 latency), what --processor did, and each failure with its hint.
import { table } from '../output.js';
import { formatBytes } from '../units.js';
import type { TraceResult } from './trace-models.js';

export function traceSummaryText(r: TraceResult): string {
  const families = [...new Set(r.profiles.flatMap((p) => Object.keys(p.resources)))];
  const rows = r.profiles.map((p) => [
    p.name,
    ...families.map((f) => {
      const x = p.resources[f];
      return x ? `${formatBytes(x.memory)} ${x.util}%${x.estimated ? '*' : ''}` : '';
    }),
    p.latency?.p50Ms ?? '',
    p.latency?.p90Ms ?? '',
    p.measured?.batch?.p50Ms ?? '',
  ]);
  const lines: string[] = [];
  if (rows.length) {
    lines.push(table(['model', ...families.map((f) => `${f} mem util`), 'p50 ms', 'p90 ms', 'batch p50 ms'], rows));
    lines.push(`* estimated from the measured ${families[0]} figures with the catalog's scaling rule`);
  }
  if (r.processor !== 'cpu' && r.measuredOn) {
    lines.push(`--processor ${r.processor}: measured on ${r.measuredOn} where the model runs there (Python handlers; ONNX with onnxruntime's CUDA provider), estimated otherwise.`);
  } else if (r.processor !== 'cpu') {
    lines.push(
      `--processor ${r.processor}: no usable ${r.processor} device here; the saved models keep standard ONNX operators (${r.optimization} optimizations) for the target's provider or compiler; figures for other families are estimates.`,
    );
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  for (const f of r.failures) lines.push(`failed ${f.model ?? f.input}: ${f.code}: ${f.message}\n  hint: ${f.hint}`);
  lines.push(r.out ? `wrote ${r.out} (${r.profiles.length} of ${r.profiles.length + r.failures.length} models)` : 'no profiles written: every model failed');
  return lines.join('\n');
}
