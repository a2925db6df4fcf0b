// Renders what a runtime needs into the output folder and checks it before anything runs: the
// server Dockerfiles of the plan's processor kinds are linted; for Kubernetes every object is
// validated strictly against the API schemas, then written (one file per server), and with baked
// archives a models-image build context per processor kind is staged.
import { createHash } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { toYaml } from '../formats/yaml-file.js';
import type { DeployedServer } from '../formats/deployment.js';
import type { Logger } from '../log.js';
import type { DeployServer } from './deploy-plan.js';
import { renderModelsContext, setArgDefault } from './docker-context.js';
import { assertDockerfile } from './dockerfile-lint.js';
import { assertValidObjects } from './k8s-validate.js';
import { loadInstanceShapes, type ProcessorKind, type ProcessorTable } from './processors.js';
import { renderKubernetes } from './render-kubernetes.js';
import { containerServeFlags } from './serve-args.js';
import { readTemplateText } from './template-fill.js';

export interface RenderOptions {
  runtime: 'local' | 'docker' | 'kubernetes';
  outDir: string;
  templatesDir: string;
  servers: DeployServer[];
  table: ProcessorTable;
  namespace: string;
  /** Server image; `{processor}` is replaced by cpu, gpu or inf. Default mlserve-{processor}:latest. */
  image?: string;
  /** Base image the server Dockerfiles are linted with (as `mlserve build --base-image`). */
  baseImage?: string;
  archiveUrl?: string;
  autoscale?: { min: number; max: number; targetCpu: number };
  ingress?: { host: string; className?: string };
  catalogPath?: string;
  /** Make the management API reachable from outside the container/pod (private by default). */
  exposeManagement?: boolean;
  /** Servers whose processor (GPU, Neuron) is not usable run on the CPU and say so, instead of refusing to start. */
  allowCpuFallback?: boolean;
  logger?: Logger;
}

export interface Rendered {
  files: string[]; // relative to outDir
  manifestFiles: string[];
  images: Record<ProcessorKind, string>;
  modelImages: Array<{ dir: string; tag: string }>;
  endpoints?: DeployedServer[];
  /** Extra `serve` flags for containers and pods (token authorization for management). */
  serveFlags: string[];
}

export function serverImage(processor: ProcessorKind, image?: string): string {
  return (image ?? 'mlserve-{processor}:latest').replaceAll('{processor}', processor);
}

export async function renderForRuntime(o: RenderOptions): Promise<Rendered> {
  const procs = [...new Set(o.servers.map((s) => s.processor))];
  const images = { cpu: serverImage('cpu', o.image), gpu: serverImage('gpu', o.image), inf: serverImage('inf', o.image) };
  const out: Rendered = { files: [], manifestFiles: [], images, modelImages: [], serveFlags: o.runtime === 'local' ? [] : await containerServeFlags() };
  if (o.allowCpuFallback) out.serveFlags.push('--allow-cpu-fallback');
  if (o.exposeManagement && o.runtime !== 'local' && !out.serveFlags.includes('--token-auth')) {
    o.logger?.warn('--expose-management: this mlserve serve has no --token-auth, so the management API is open to whoever reaches it');
  }
  if (o.runtime === 'local') return out;

  for (const p of procs) {
    let df = await readTemplateText(join(o.templatesDir, 'docker', `Dockerfile.${p}`));
    if (o.baseImage) df = setArgDefault(df, 'BASE_IMAGE', o.baseImage);
    assertDockerfile(df, `templates/docker/Dockerfile.${p}`);
  }
  if (o.runtime === 'docker') return out;

  await rm(join(o.outDir, 'kubernetes'), { recursive: true, force: true });
  if (!o.archiveUrl) {
    for (const p of procs) {
      const archives = o.servers.filter((s) => s.processor === p).flatMap((s) => s.models.map((m) => m.archive!));
      const tag = `${modelsRepo(images[p], p)}:${await contentTag(archives)}`;
      const dir = `docker/models-${p}`;
      await renderModelsContext({ templatesDir: o.templatesDir, dir: join(o.outDir, dir), serverImage: images[p], archives });
      out.modelImages.push({ dir, tag });
      out.files.push(`${dir}/Dockerfile`);
      images[p] = tag;
    }
  }
  const objects = await renderKubernetes(o.servers, {
    templatesDir: o.templatesDir,
    namespace: o.namespace,
    images,
    archiveUrl: o.archiveUrl,
    autoscale: o.autoscale,
    ingress: o.ingress,
    table: o.table,
    shapes: await loadInstanceShapes(o.catalogPath),
    extraServeArgs: out.serveFlags,
    exposeManagement: o.exposeManagement,
  });
  await assertValidObjects(objects);
  const byFile = new Map<string, Array<Record<string, unknown>>>();
  for (const { file, object } of objects) byFile.set(file, [...(byFile.get(file) ?? []), object]);
  for (const [file, objs] of byFile) {
    await writeFileAtomic(join(o.outDir, file), objs.map((x) => toYaml(x)).join('---\n'));
    out.files.push(file);
    out.manifestFiles.push(file);
  }
  out.endpoints = o.servers.map((s) => {
    const inference = `http://${s.dnsName}.${o.namespace}.svc.cluster.local:8080`;
    return {
      name: s.name,
      instance: s.instanceId,
      inference,
      metrics: `http://${s.dnsName}.${o.namespace}.svc.cluster.local:8082`,
      models: s.models.map((m) => ({ name: m.name, url: `${inference}/predictions/${m.name}` })),
      handle: { deployment: s.dnsName, service: s.dnsName, namespace: o.namespace },
    };
  });
  return out;
}

/** registry/team/mlserve-cpu:1.0 → registry/team/mlserve-models-cpu */
function modelsRepo(image: string, p: ProcessorKind): string {
  const noTag = image.replace(/(@[^/]+|:[^:/]+)$/, '');
  const slash = noTag.lastIndexOf('/');
  return `${slash >= 0 ? noTag.slice(0, slash + 1) : ''}mlserve-models-${p}`;
}

/** A tag that changes when an archive changes (name, size, modification time). */
async function contentTag(archives: string[]): Promise<string> {
  const h = createHash('sha256');
  for (const a of [...new Set(archives)].sort()) {
    const st = await stat(a);
    h.update(`${a}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return h.digest('hex').slice(0, 12);
}
