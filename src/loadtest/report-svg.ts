// The throughput–latency plot (report.svg): one line per percentile (P50/P90/P95/P99) over the
// sweep's levels, each point labelled with its concurrency, and the SLO drawn as a dashed rule.
// Rendered offline: vega-lite compiles the spec, vega renders SVG without a browser or canvas.
import type { LoadtestReport } from './types.js';

export function plotSpec(report: LoadtestReport): Record<string, unknown> {
  const points = report.levels.flatMap((l) =>
    (['p50', 'p90', 'p95', 'p99'] as const)
      .filter((p) => Number.isFinite(l.latencyMs[p]))
      .map((p) => ({ throughput: l.throughput, latency: l.latencyMs[p], percentile: p.toUpperCase(), concurrency: l.concurrency })),
  );
  const layers: Array<Record<string, unknown>> = [
    {
      data: { values: points },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'throughput', type: 'quantitative', title: 'Throughput (successful requests/s)' },
        y: { field: 'latency', type: 'quantitative', title: 'Latency (ms)' },
        color: { field: 'percentile', type: 'nominal', title: 'Percentile', sort: ['P50', 'P90', 'P95', 'P99'] },
        order: { field: 'concurrency', type: 'quantitative' },
      },
    },
    {
      data: { values: points.filter((p) => p.percentile === 'P90') },
      mark: { type: 'text', dy: -10, fontSize: 10 },
      encoding: {
        x: { field: 'throughput', type: 'quantitative' },
        y: { field: 'latency', type: 'quantitative' },
        text: { field: 'concurrency', type: 'quantitative', format: 'd' },
      },
    },
  ];
  if (report.slo) {
    const label = `SLO P${report.slo.percentile} ${report.slo.thresholdMs} ms`;
    layers.push(
      {
        data: { values: [{ y: report.slo.thresholdMs, label }] },
        mark: { type: 'rule', color: 'firebrick', strokeDash: [6, 4], strokeWidth: 2 },
        encoding: { y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values: [{ y: report.slo.thresholdMs, label }] },
        mark: { type: 'text', color: 'firebrick', align: 'left', dx: 4, dy: -6, x: 0 },
        encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } },
      },
    );
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `mlserve loadtest: throughput vs latency (${report.models.length} model${report.models.length === 1 ? '' : 's'}, labels = concurrency)`,
    width: 640,
    height: 400,
    background: 'white',
    layer: layers,
  };
}

export async function renderPlotSvg(report: LoadtestReport): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const { spec } = vegaLite.compile(plotSpec(report) as unknown as Parameters<typeof vegaLite.compile>[0]);
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
