// Writes report.json, report.csv and report.svg (every mode: a sequential or random baseline is one point per percentile) into the output folder, each file
// atomically so an interrupted run never leaves a half-written report.
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { reportCsv } from './report-csv.js';
import { renderPlotSvg } from './report-svg.js';
import type { LoadtestReport } from './types.js';

export async function writeReports(report: LoadtestReport, outDir: string): Promise<string[]> {
  const files = [join(outDir, 'report.json'), join(outDir, 'report.csv')];
  await writeFileAtomic(files[0]!, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(files[1]!, reportCsv(report));
  if (report.levels.length > 0) {
    const svg = join(outDir, 'report.svg');
    await writeFileAtomic(svg, await renderPlotSvg(report));
    files.push(svg);
  }
  return files;
}
