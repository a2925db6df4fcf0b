// Results go to stdout: JSON with --json (one document, machine-readable), text otherwise.
// Errors are rendered here too so that every command reports them the same way.
export { renderErrorJson, renderErrorText } from './errors/render.js';

export interface Renderable<T> {
  json: boolean;
  value: T;
  /** Text for people; omitted means the JSON is printed anyway. */
  text?: (value: T) => string;
}

export function printResult<T>({ json, value, text }: Renderable<T>): void {
  if (json || !text) {
    process.stdout.write(`${JSON.stringify(jsonDocument(value), null, 2)}\n`);
    return;
  }
  const out = text(value);
  if (out) process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
}

/**
 * Every --json document says whether the command succeeded: `ok: true` is added to results that do
 * not say it themselves; a result that failed in part sets `ok: false` and `error` itself.
 */
export function jsonDocument<T>(value: T): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || 'ok' in value) return value;
  return { ok: true, ...value };
}

/** Fixed-width table for terminal output. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}
