// Reads plan.yaml for deploy and turns it into the servers to run: names usable as Kubernetes
// objects and container names, the processor kind of each instance family, and each model's
// archive resolved against the plan's folder (checked to exist when the runtime needs the file).
import { access } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { MlsError, isMlsError } from '../errors.js';
import { readPlan, type Plan } from '../formats/plan.js';
import { processorFor, type ProcessorKind, type ProcessorTable } from './processors.js';

export interface DeployModel {
  name: string;
  archive?: string; // absolute path
  file: string; // file name in the server's model store
}

export interface DeployServer {
  name: string; // as in the plan
  dnsName: string; // RFC 1035 label: Service, Deployment and container name
  instanceId: string;
  instanceType: string;
  family: string;
  processor: ProcessorKind;
  device?: string;
  processorIndex: number; // which processor of its instance (GPU or Neuron device number)
  memory: number; // bytes on the processor
  hostMemory?: number; // bytes of host memory its models need, when the plan says
  util: number; // % of one processor
  models: DeployModel[];
  // pack --spot plans: how the instance is bought and its spot pool (instance type × zone)
  market?: 'on-demand' | 'spot';
  zone?: string;
}

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Lower-cases and replaces what a DNS label cannot hold; "inf1.0/P0" → "inf1-0-p0". */
export function toDnsLabel(name: string): string {
  let s = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(s)) s = `s-${s}`;
  return s.slice(0, 63).replace(/-+$/, '');
}

export async function loadDeployPlan(planPath: string): Promise<Plan> {
  try {
    await access(planPath);
  } catch (e) {
    throw new MlsError('MLS_ERR_DEPLOY_PLAN_NOT_FOUND', { planPath }, { cause: e, details: { file: planPath } });
  }
  try {
    return await readPlan(planPath);
  } catch (e) {
    if (isMlsError(e) && (e.code === 'MLS_ERR_INVALID_FILE_FORMAT' || e.code === 'MLS_ERR_INVALID_YAML')) {
      throw new MlsError('MLS_ERR_DEPLOY_PLAN_INVALID', { invalidPlan: { reason: e.message } }, { cause: e, details: e.details });
    }
    throw e;
  }
}

export interface ResolveOptions {
  planPath: string;
  table: ProcessorTable;
  /** Check that every archive exists (runtimes that copy or mount the files). */
  requireArchives: boolean;
}

export async function resolveServers(plan: Plan, opts: ResolveOptions): Promise<DeployServer[]> {
  const planDir = dirname(resolve(opts.planPath));
  const servers: DeployServer[] = [];
  const seen = new Map<string, string>();
  for (const inst of plan.instances) {
    const { processor, device } = processorFor(opts.table, inst.family);
    for (const s of inst.servers) {
      const dnsName = DNS_LABEL.test(s.name) ? s.name : toDnsLabel(s.name);
      const clash = seen.get(dnsName);
      if (clash !== undefined) {
        throw new MlsError('MLS_ERR_DEPLOY_PLAN_INVALID', { dnsClash: { clash, name: s.name, dnsName } });
      }
      seen.set(dnsName, s.name);
      const models = new Map<string, DeployModel>();
      const files = new Set<string>();
      let hostMemory: number | undefined;
      for (const m of s.models) {
        if (m.hostMemory !== undefined) hostMemory = (hostMemory ?? 0) + m.hostMemory;
        if (models.has(m.name)) continue; // a second replica on the same server adds no archive
        if (!m.archive && opts.requireArchives) {
          throw new MlsError('MLS_ERR_DEPLOY_ARCHIVE_MISSING', { notInPlan: { name: m.name, name2: s.name } }, {
            details: { model: m.name, server: s.name },
          });
        }
        const archive = m.archive ? resolve(planDir, m.archive) : undefined;
        const file = archive ? basename(archive) : `${m.name}.mar`;
        if (files.has(file)) {
          throw new MlsError('MLS_ERR_DEPLOY_PLAN_INVALID', { archiveClash: { name: s.name, file } });
        }
        files.add(file);
        if (archive && opts.requireArchives) await assertArchive(archive, m.name);
        models.set(m.name, { name: m.name, archive, file });
      }
      servers.push({
        name: s.name,
        dnsName,
        instanceId: inst.id,
        instanceType: inst.type,
        family: inst.family,
        processor,
        device,
        processorIndex: s.processor,
        memory: s.memory,
        hostMemory,
        util: s.util,
        models: [...models.values()],
        ...(inst.market ? { market: inst.market } : {}),
        ...(inst.zone ? { zone: inst.zone } : {}),
      });
    }
  }
  if (servers.length === 0) {
    throw new MlsError('MLS_ERR_DEPLOY_PLAN_INVALID', { noServers: { planPath: opts.planPath } });
  }
  return servers;
}

async function assertArchive(path: string, model: string): Promise<void> {
  try {
    await access(path);
  } catch (e) {
    throw new MlsError('MLS_ERR_DEPLOY_ARCHIVE_MISSING', { notFound: { model, path } }, {
      cause: e,
      details: { model, archive: path },
    });
  }
}
