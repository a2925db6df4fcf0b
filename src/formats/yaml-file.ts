// Reading and writing the files passed between steps: YAML (or JSON, which is YAML) validated by a
// zod schema, errors reported as `path.to.key: message`, writes atomic.
import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import type { z } from 'zod';
import { MlsError, toMlsError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';

/** Formats zod issues as `path.to.key: message` lines; an unknown key is named at its own path (`trace.bogus`). */
export function formatIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: readonly string[] }>): string[] {
  const at = (path: ReadonlyArray<PropertyKey>) => (path.length ? path.map(String).join('.') : '(root)');
  return issues.flatMap((i) =>
    i.code === 'unrecognized_keys' && i.keys?.length ? i.keys.map((k) => `${at([...i.path, k])}: unknown key`) : [`${at(i.path)}: ${i.message}`],
  );
}

export function parseYamlText(text: string, source: string): unknown {
  try {
    return yaml.load(text, { filename: source });
  } catch (e) {
    throw new MlsError('MLS_ERR_INVALID_YAML', { source, reason: (e as Error).message }, { details: { file: source } });
  }
}

export function validate<S extends z.ZodType>(schema: S, data: unknown, source: string): z.output<S> {
  const r = schema.safeParse(data);
  if (!r.success) {
    const lines = formatIssues(r.error.issues);
    throw new MlsError('MLS_ERR_INVALID_FILE_FORMAT', { schema: { source, lines: lines.join('; ') } }, {
      details: { file: source, issues: lines },
    });
  }
  return r.data;
}

export async function readYamlFile<S extends z.ZodType>(schema: S, path: string): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw toMlsError(e);
  }
  return validate(schema, parseYamlText(text, path), path);
}

export function toYaml(value: unknown): string {
  return yaml.dump(value, { noRefs: true, lineWidth: 120, sortKeys: false });
}

export async function writeYamlFile(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, toYaml(value));
}
