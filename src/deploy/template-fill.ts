// Fills `${name}` placeholders in a parsed YAML template: the template is data, and so is what
// goes in, so no YAML is ever glued from strings. A string that is exactly one placeholder takes
// the value as it is (a list, a map, a number); a value left undefined removes its key (or list
// item), which is how optional parts (resources, init containers, tolerations) disappear. A
// placeholder inside a longer string is interpolated and must be a scalar.
import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import { MlsError } from '../errors.js';

const WHOLE = /^\$\{([A-Za-z_][\w.]*)\}$/;
const INNER = /\$\{([A-Za-z_][\w.]*)\}/g;

export type TemplateValues = Record<string, unknown>;

/** Marks "no value": the key or list item holding the placeholder is dropped. */
const DROP = Symbol('drop');

function lookup(values: TemplateValues, path: string, source: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(values, path)) {
    throw new MlsError('MLS_ERR_DEPLOY_TEMPLATE_INVALID', { unknownPlaceholder: { source, path } }, {
      details: { file: source, placeholder: path, known: Object.keys(values) },
    });
  }
  return values[path];
}

function fillString(s: string, values: TemplateValues, source: string): unknown {
  const whole = WHOLE.exec(s);
  if (whole) {
    const v = lookup(values, whole[1]!, source);
    return v === undefined || v === null ? DROP : structuredClone(v);
  }
  return s.replace(INNER, (_m, path: string) => {
    const v = lookup(values, path, source);
    if (v === undefined || v === null || typeof v === 'object') {
      throw new MlsError('MLS_ERR_DEPLOY_TEMPLATE_INVALID', { placeholderType: { source, path, s } });
    }
    return String(v);
  });
}

function fillNode(node: unknown, values: TemplateValues, source: string): unknown {
  if (typeof node === 'string') return fillString(node, values, source);
  if (Array.isArray(node)) {
    return node.map((n) => fillNode(n, values, source)).filter((n) => n !== DROP);
  }
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      const filled = fillNode(v, values, source);
      if (filled !== DROP) out[k] = filled;
    }
    return out;
  }
  return node;
}

/** Fills a template object; `source` names the template in errors. */
export function fillTemplate(template: unknown, values: TemplateValues, source: string): Record<string, unknown> {
  const out = fillNode(template, values, source);
  if (!out || typeof out !== 'object' || Array.isArray(out)) {
    throw new MlsError('MLS_ERR_DEPLOY_TEMPLATE_INVALID', { notMapping: { source } });
  }
  return out as Record<string, unknown>;
}

/** Reads a template file as text (Dockerfiles, scripts, config.properties). */
export async function readTemplateText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new MlsError('MLS_ERR_DEPLOY_TEMPLATE_INVALID', { cannotRead: { path, reason: (e as Error).message } }, { cause: e });
  }
}

/** Reads a YAML template file (one document) as data. */
export async function loadTemplate(path: string): Promise<unknown> {
  const text = await readTemplateText(path);
  try {
    return yaml.load(text, { filename: path });
  } catch (e) {
    throw new MlsError('MLS_ERR_DEPLOY_TEMPLATE_INVALID', { unreadable: { path, reason: (e as Error).message } }, { cause: e });
  }
}
