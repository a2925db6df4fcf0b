// Strict offline validation of rendered Kubernetes objects, with no cluster:
// 1. kubernetes-models checks each object against the API's JSON schema (types, required fields,
//    enums) but lets unknown fields through;
// 2. a walker over the attribute maps generated into @kubernetes/client-node's model classes
//    (deep import: the package's entry point does not load under Node 20) rejects every field
//    the API does not know, so a misspelled `imagePullPolicy` or `enviroment:` is an error too.
import { MlsError } from '../errors.js';

export interface ManifestIssue {
  object: string; // Kind/name
  path: string; // field path, e.g. spec.template.spec.containers.0.imagePulPolicy
  message: string;
}

interface AttributeInfo {
  baseName: string;
  type: string;
}
type ModelClass = { getAttributeTypeMap?: () => AttributeInfo[] };

interface SchemaModel {
  validate(): void;
}
type SchemaCtor = new (data: Record<string, unknown>) => SchemaModel;

let modelsPromise: Promise<Record<string, unknown>> | undefined;
function clientModels(): Promise<Record<string, unknown>> {
  modelsPromise ??= import('@kubernetes/client-node/dist/gen/models/all.js') as Promise<Record<string, unknown>>;
  return modelsPromise;
}

/** kubernetes-models classes by `apiVersion/kind`: the kinds mlserve renders. */
async function schemaClass(apiVersion: string, kind: string): Promise<SchemaCtor | undefined> {
  const key = `${apiVersion}/${kind}`;
  switch (key) {
    case 'v1/Namespace':
    case 'v1/Service':
    case 'v1/ConfigMap':
    case 'v1/Secret':
      return (await import('kubernetes-models/v1'))[kind as 'Namespace'] as unknown as SchemaCtor;
    case 'apps/v1/Deployment':
      return (await import('kubernetes-models/apps/v1')).Deployment as unknown as SchemaCtor;
    case 'autoscaling/v2/HorizontalPodAutoscaler':
      return (await import('kubernetes-models/autoscaling/v2')).HorizontalPodAutoscaler as unknown as SchemaCtor;
    case 'policy/v1/PodDisruptionBudget':
      return (await import('kubernetes-models/policy/v1')).PodDisruptionBudget as unknown as SchemaCtor;
    case 'networking.k8s.io/v1/Ingress':
      return (await import('kubernetes-models/networking.k8s.io/v1')).Ingress as unknown as SchemaCtor;
    default:
      return undefined;
  }
}

/** client-node's model name for an object: apps/v1 Deployment → V1Deployment, autoscaling/v2 → V2…. */
function modelName(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').pop() ?? apiVersion;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

function closest(name: string, known: string[]): string | undefined {
  const dist = (a: string, b: string): number => {
    const d = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = d[0]!;
      d[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = d[j]!;
        d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = tmp;
      }
    }
    return d[b.length]!;
  };
  let best: string | undefined;
  let bestD = 3; // suggest only near misses
  for (const k of known) {
    const dd = dist(name.toLowerCase(), k.toLowerCase());
    if (dd < bestD) [best, bestD] = [k, dd];
  }
  return best;
}

function walk(value: unknown, type: string, path: string, models: Record<string, unknown>, out: Array<{ path: string; message: string }>): void {
  if (value === undefined || value === null) return;
  const arr = ARRAY.exec(type);
  if (arr) {
    if (!Array.isArray(value)) return void out.push({ path, message: `must be a list (${type})` });
    value.forEach((v, i) => walk(v, arr[1]!, path ? `${path}.${i}` : String(i), models, out));
    return;
  }
  const map = MAP.exec(type);
  if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) return void out.push({ path, message: 'must be a map' });
    for (const [k, v] of Object.entries(value)) walk(v, map[1]!, `${path}.${k}`, models, out);
    return;
  }
  switch (type) {
    case 'any':
      return;
    case 'string':
    case 'Date':
      if (typeof value !== 'string') out.push({ path, message: `must be a string, got ${JSON.stringify(value)}` });
      return;
    case 'number':
      if (typeof value !== 'number') out.push({ path, message: `must be a number, got ${JSON.stringify(value)}` });
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.push({ path, message: `must be true or false, got ${JSON.stringify(value)}` });
      return;
    case 'IntOrString':
      if (typeof value !== 'string' && typeof value !== 'number') out.push({ path, message: 'must be an integer or a string' });
      return;
  }
  const cls = models[type] as ModelClass | undefined;
  const attrs = cls?.getAttributeTypeMap?.();
  if (!attrs) return void out.push({ path, message: `no schema for type ${type}` });
  if (typeof value !== 'object' || Array.isArray(value)) return void out.push({ path, message: `must be an object (${type})` });
  const byName = new Map(attrs.map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value)) {
    const fieldPath = path ? `${path}.${k}` : k;
    const t = byName.get(k);
    if (t === undefined) {
      const near = closest(k, [...byName.keys()]);
      out.push({ path: fieldPath, message: `unknown field "${k}"${near ? ` (did you mean "${near}"?)` : ''}` });
    } else walk(v, t, fieldPath, models, out);
  }
}

/** Validates one object; returns its issues (empty when valid). */
export async function validateObject(obj: Record<string, unknown>): Promise<ManifestIssue[]> {
  const apiVersion = String(obj.apiVersion ?? '');
  const kind = String(obj.kind ?? '');
  const meta = obj.metadata as { name?: unknown } | undefined;
  const label = `${kind || '?'}/${String(meta?.name ?? '?')}`;
  const issues: ManifestIssue[] = [];
  const Schema = await schemaClass(apiVersion, kind);
  if (!Schema) return [{ object: label, path: 'apiVersion', message: `unsupported apiVersion/kind ${apiVersion} ${kind}` }];
  try {
    new Schema(obj).validate();
  } catch (e) {
    const errs = (e as { errors?: Array<{ instancePath: string; message?: string; params?: Record<string, unknown> }> }).errors;
    for (const x of errs ?? [{ instancePath: '', message: (e as Error).message }]) {
      const p = x.instancePath.replace(/^\//, '').replaceAll('/', '.');
      const extra = x.params && 'allowedValues' in x.params ? ` (${JSON.stringify(x.params.allowedValues)})` : '';
      issues.push({ object: label, path: p || '(root)', message: `${x.message ?? 'invalid'}${extra}` });
    }
  }
  const found: Array<{ path: string; message: string }> = [];
  walk(obj, modelName(apiVersion, kind), '', await clientModels(), found);
  for (const f of found) issues.push({ object: label, path: f.path, message: f.message });
  return issues;
}

/** Validates every object; throws MLS_ERR_DEPLOY_MANIFEST_INVALID listing all issues. */
export async function assertValidObjects(objects: Array<{ file: string; object: Record<string, unknown> }>): Promise<void> {
  const all: Array<ManifestIssue & { file: string }> = [];
  for (const { file, object } of objects) for (const i of await validateObject(object)) all.push({ ...i, file });
  if (all.length) {
    const lines = all.map((i) => `${i.file}: ${i.object}: ${i.path}: ${i.message}`);
    throw new MlsError('MLS_ERR_DEPLOY_MANIFEST_INVALID', { allCount: all.length, lines: lines.slice(0, 10).join('; ') }, {
      details: { issues: lines },
    });
  }
}
