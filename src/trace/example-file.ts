// --example FILE: the inputs to trace with, as JSON. Three spellings are accepted so that users can
// reuse what they already have: nested arrays per input name, {dims, data} objects, or a KServe v2
// (Open Inference Protocol) request body {"inputs": [{name, shape, datatype, data}]}.
import { readFile } from 'node:fs/promises';
import { MlsError, toMlsError } from '../errors.js';

/** Flat numeric values (booleans as 0/1) with their shape. */
export interface ExampleTensor {
  dims: number[];
  data: number[];
}

const MAX_EXAMPLE_BYTES = 256 * 1024 * 1024;

function bad(file: string, message: string): MlsError {
  return new MlsError('MLS_ERR_TRACE_BAD_EXAMPLE', { unreadable: { file, message } }, { details: { file } });
}

/** Flattens nested arrays, checking that they are rectangular. */
function flatten(file: string, name: string, value: unknown): ExampleTensor {
  const dims: number[] = [];
  for (let v: unknown = value; Array.isArray(v); v = v[0]) dims.push(v.length);
  const data: number[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth === dims.length) {
      if (typeof v === 'boolean') data.push(v ? 1 : 0);
      else if (typeof v === 'number' && !Number.isNaN(v)) data.push(v);
      else throw bad(file, `${name}: ${JSON.stringify(v)} is not a number`);
      return;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) throw bad(file, `${name}: the nested arrays are not rectangular (dims ${dims.join('x')})`);
    for (const x of v) walk(x, depth + 1);
  };
  walk(value, 0);
  return { dims, data };
}

function fromObject(file: string, name: string, value: { dims?: unknown; shape?: unknown; data?: unknown }): ExampleTensor {
  const t = flatten(file, name, value.data);
  const dims = value.dims ?? value.shape;
  if (dims === undefined) return t;
  if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d) && d >= 0)) throw bad(file, `${name}.dims must be a list of integers`);
  const count = (dims as number[]).reduce((a, b) => a * b, 1);
  if (count !== t.data.length) throw bad(file, `${name}: dims ${dims.join('x')} need ${count} values, got ${t.data.length}`);
  return { dims: dims as number[], data: t.data };
}

/** Parses the JSON text of an --example file into tensors by input name. */
export function parseExample(file: string, text: string): Record<string, ExampleTensor> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw bad(file, `not JSON: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw bad(file, 'must be a JSON object naming the inputs');
  const out: Record<string, ExampleTensor> = {};
  const v2 = (doc as { inputs?: unknown }).inputs;
  if (Array.isArray(v2)) {
    for (const [i, item] of v2.entries()) {
      const it = item as { name?: unknown; shape?: unknown; data?: unknown };
      if (typeof it?.name !== 'string') throw bad(file, `inputs.${i}.name is missing`);
      out[it.name] = fromObject(file, it.name, it);
    }
  } else {
    for (const [name, value] of Object.entries(doc)) {
      out[name] = Array.isArray(value) ? flatten(file, name, value) : fromObject(file, name, (value ?? {}) as object);
    }
  }
  if (Object.keys(out).length === 0) throw bad(file, 'names no input');
  return out;
}

export async function readExample(file: string): Promise<Record<string, ExampleTensor>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw toMlsError(e);
  }
  if (text.length > MAX_EXAMPLE_BYTES) throw bad(file, `larger than ${MAX_EXAMPLE_BYTES} bytes`);
  return parseExample(file, text);
}
