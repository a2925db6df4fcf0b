// Progress of a long archive write, for people: one rewritten line on a terminal, a line every 10%
// otherwise (CI logs). Small archives finish too fast to need it and print nothing.
import { formatBytes } from '../units.js';
import type { ArchiveProgress } from './types.js';

export const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;

export interface ProgressLine {
  onProgress: (p: ArchiveProgress) => void;
  /** Ends the line (call once the write finished or failed). */
  done(): void;
}

export function progressLine(label: string, out: NodeJS.WriteStream = process.stderr, minBytes = PROGRESS_MIN_BYTES): ProgressLine {
  const tty = Boolean(out.isTTY);
  let last = 0;
  let lastDecile = -1;
  let shown = false;
  const render = (p: ArchiveProgress) => `${label}: ${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)} (${Math.floor((100 * p.bytes) / p.totalBytes)}%)`;
  return {
    onProgress(p) {
      if (p.totalBytes < minBytes) return;
      if (tty) {
        const now = Date.now();
        if (now - last < 100 && p.bytes < p.totalBytes) return;
        last = now;
        out.write(`\r${render(p)}\x1b[K`);
      } else {
        const decile = Math.floor((10 * p.bytes) / p.totalBytes);
        if (decile === lastDecile) return;
        lastDecile = decile;
        out.write(`${render(p)}\n`);
      }
      shown = true;
    },
    done() {
      if (shown && tty) out.write('\n');
    },
  };
}
