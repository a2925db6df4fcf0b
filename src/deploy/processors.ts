// Which processor kind (cpu, gpu, inf) an instance family runs on, the device a server asks
// Kubernetes for, and each instance type's vCPUs per processor (for CPU requests). The family
// table is templates/processors.yaml, so users add families without touching code; vCPUs come
// from the instance catalog (the default one, or --catalog).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { MlsError, reasonOf } from '../errors.js';
import { validate } from '../formats/yaml-file.js';
import { PACKAGE_ROOT } from '../paths.js';
import { loadTemplate } from './template-fill.js';

export const PROCESSORS = ['cpu', 'gpu', 'inf'] as const;
export type ProcessorKind = (typeof PROCESSORS)[number];

const processorsFileSchema = z
  .object({
    families: z.record(z.string(), z.object({ processor: z.enum(PROCESSORS), device: z.string().optional() }).strict()),
    overhead: z.object({ memory: z.string(), cpu: z.string() }).strict(),
  })
  .strict();

export type ProcessorTable = z.output<typeof processorsFileSchema>;

export async function loadProcessorTable(templatesDir: string): Promise<ProcessorTable> {
  const file = join(templatesDir, 'processors.yaml');
  const data = await loadTemplate(file);
  try {
    return validate(processorsFileSchema, data, file);
  } catch (e) {
    throw new MlsError('MLS_ERR_DEPLOY_TEMPLATE_INVALID', { schema: { reason: reasonOf(e) } }, { cause: e });
  }
}

/** Exact family name first, then the longest prefix (g4dn → "g"). */
export function processorFor(table: ProcessorTable, family: string): { processor: ProcessorKind; device?: string } {
  const exact = table.families[family];
  if (exact) return exact;
  const keys = Object.keys(table.families)
    .filter((k) => family.startsWith(k))
    .sort((a, b) => b.length - a.length);
  const hit = keys[0] === undefined ? undefined : table.families[keys[0]];
  if (!hit) {
    throw new MlsError('MLS_ERR_DEPLOY_TEMPLATE_INVALID', { noProcessorKind: { family } });
  }
  return hit;
}

export interface InstanceShape {
  vcpus: number;
  processors: number;
}

/** vCPUs and processors per instance type, from a catalog file; absent types are left out. */
export async function loadInstanceShapes(catalogPath?: string): Promise<Record<string, InstanceShape>> {
  const path = catalogPath ?? join(PACKAGE_ROOT, 'src/pack/default-catalog.yaml');
  let doc: unknown;
  try {
    doc = yaml.load(await readFile(path, 'utf8'));
  } catch (e) {
    if (catalogPath) throw new MlsError('MLS_ERR_FILE_NOT_FOUND', { catalog: { catalogPath, reason: (e as Error).message } }, { cause: e });
    return {}; // no default catalog: CPU requests fall back to one vCPU per processor
  }
  const types = (doc as { instanceTypes?: Record<string, { vcpus?: unknown; processors?: unknown }> } | null)?.instanceTypes ?? {};
  const out: Record<string, InstanceShape> = {};
  for (const [name, t] of Object.entries(types)) {
    if (typeof t?.vcpus === 'number' && typeof t.processors === 'number' && t.processors > 0) {
      out[name] = { vcpus: t.vcpus, processors: t.processors };
    }
  }
  return out;
}
