// How a plan is shown: a terminal table (one row per instance and a summary) and an SVG of the
// bins, instances across, each processor a column of stacked models (height = memory share).
import type { Plan } from '../formats/plan.js';
import { table } from '../output.js';
import { formatBytes } from '../units.js';

export function planTable(plan: Plan): string {
  const rows = plan.instances.map((i) => [
    i.id,
    i.market === 'spot' ? `${i.type} spot ${i.zone ?? ''}` : i.type,
    i.pricePerHour.toFixed(3),
    i.servers.length,
    i.servers.reduce((a, s) => a + s.models.length, 0),
    formatBytes(Math.max(0, ...i.servers.map((s) => s.memory))),
    `${Math.max(0, ...i.servers.map((s) => s.util)).toFixed(1)}%`,
    i.hostMemory ? formatBytes(i.hostMemory) : '-',
  ]);
  const s = plan.solver;
  const t = plan.totals;
  const unit = plan.objective === 'cost' ? '$/h' : 'instances';
  return [
    table(['instance', 'type', '$/h', 'servers', 'models', 'max mem/proc', 'max util/proc', 'host mem'], rows),
    '',
    `${t.instances} instances, ${t.processors} servers, ${t.models} models: $${t.costPerHour.toFixed(3)}/h ($${t.costPerModelHour.toFixed(4)} per model-hour)`,
    `objective ${plan.objective}: ${s.objectiveValue} ${unit}, lower bound ${s.lowerBound}, gap ${(s.gap * 100).toFixed(2)}%, ` +
      `${s.optimal ? 'optimal' : s.status === 'time-limit' ? 'not proven optimal (time limit)' : 'not proven optimal'}, ${s.solveSeconds}s (${s.method})`,
    ...(plan.spot ? [spotLine(plan.spot)] : []),
  ].join('\n');
}

function spotLine(x: NonNullable<Plan['spot']>): string {
  const vs = x.onDemandOnlyCostPerHour ? ` (on-demand only: $${x.onDemandOnlyCostPerHour.toFixed(3)}/h)` : '';
  return (
    `spot: $${x.spotCostPerHour.toFixed(3)}/h spot + $${x.onDemandCostPerHour.toFixed(3)}/h on-demand${vs}, spot share ${(x.share * 100).toFixed(1)}% (cap ${(x.maxShare * 100).toFixed(0)}%); ` +
    `${x.spotModels} models all-spot in ≥ ${x.survive + 1} pools (+${x.addedReplicas} replicas), the rest keep a replica on-demand; expected $${x.expectedCostPerHour.toFixed(3)}/h with interruptions`
  );
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function color(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360},55%,${55 + (h >> 9) % 20}%)`;
}

/** The bins as SVG: instances across, processors as columns, models stacked by memory. */
export function planSvg(plan: Plan): string {
  const col = Math.max(4, Math.min(28, Math.floor(1600 / Math.max(1, plan.totals.processors))));
  const gap = Math.max(2, Math.floor(col / 3));
  const h = 300;
  const top = 40;
  const left = 60; // room for the rotated type labels
  const capOf = (mem: number, fallback: number) => plan.caps.memory ?? Math.max(mem, fallback);
  const parts: string[] = [];
  let x = left;
  for (const inst of plan.instances) {
    const x0 = x;
    for (const s of inst.servers) {
      const cap = capOf(s.memory, 1);
      let y = top + h;
      parts.push(`<rect x="${x}" y="${top}" width="${col}" height="${h}" fill="#f4f4f4" stroke="#999" stroke-width="0.5"><title>${esc(s.name)}: ${formatBytes(s.memory)}, ${s.util}%</title></rect>`);
      for (const m of s.models) {
        const mh = (m.memory / cap) * h;
        y -= mh;
        parts.push(`<rect x="${x}" y="${y.toFixed(2)}" width="${col}" height="${mh.toFixed(2)}" fill="${color(m.name)}" stroke="#fff" stroke-width="0.3"><title>${esc(m.name)}${m.replica ? ` (replica ${m.replica})` : ''}: ${formatBytes(m.memory)}, ${m.util}%</title></rect>`);
      }
      x += col;
    }
    parts.push(`<text x="${(x0 + x) / 2}" y="${top + h + 14}" font-size="9" text-anchor="end" transform="rotate(-60 ${(x0 + x) / 2} ${top + h + 14})">${esc(inst.type)}</text>`);
    x += gap;
  }
  const width = Math.max(x + 20, 560); // at least the title's width
  const title = `${plan.totals.models} models on ${plan.totals.instances} instances ($${plan.totals.costPerHour.toFixed(2)}/h${plan.solver.optimal ? ', optimal' : `, gap ${(plan.solver.gap * 100).toFixed(1)}%`})`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + h + 90}" viewBox="0 0 ${width} ${top + h + 90}" font-family="sans-serif">`,
    `<text x="10" y="22" font-size="14">${esc(title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
