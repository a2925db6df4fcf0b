// `mlserve deploy`: plan.yaml → rendered files in the output folder (validated manifests, linted
// Dockerfiles) → unless dry-run, the servers started on the runtime → deployment.yaml listing the
// endpoints. deployment.yaml is rewritten after every server that starts, so an apply that fails
// (or is killed) part-way still records what `--down` must remove.
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MlsError, isMlsError, toMlsError } from '../errors.js';
import { readDeployment, writeDeployment, type DeployedServer, type Deployment } from '../formats/deployment.js';
import type { Logger } from '../log.js';
import { loadDeployPlan, resolveServers, type DeployServer } from './deploy-plan.js';
import { renderForRuntime, type RenderOptions } from './render.js';
import { startDocker, assertDockerEngine, type DockerNetwork } from './runtime-docker.js';
import { kubectlApply, assertKubectl } from './runtime-kubernetes.js';
import { startLocal } from './runtime-local.js';
import { buildImage } from './docker-build.js';
import { loadProcessorTable } from './processors.js';

export const RUNTIMES = ['local', 'docker', 'kubernetes'] as const;
export type Runtime = (typeof RUNTIMES)[number];

export interface DeployOptions extends Omit<RenderOptions, 'servers' | 'table' | 'outDir' | 'runtime'> {
  planPath: string;
  runtime: Runtime;
  outDir: string;
  dryRun: boolean;
  basePort?: number;
  dockerNetwork: DockerNetwork;
  readyTimeoutMs: number;
  logger: Logger;
}

export interface DeployResult {
  deploymentFile: string;
  deployment: Deployment;
}

export const DEPLOYMENT_FILE = 'deployment.yaml';

export async function deploy(o: DeployOptions): Promise<DeployResult> {
  const outDir = resolve(o.outDir);
  const deploymentFile = join(outDir, DEPLOYMENT_FILE);
  await refuseIfStarted(deploymentFile);
  const table = await loadProcessorTable(o.templatesDir);
  const plan = await loadDeployPlan(o.planPath);
  const servers = await resolveServers(plan, {
    planPath: o.planPath,
    table,
    requireArchives: !(o.runtime === 'kubernetes' && o.archiveUrl),
  });
  const rendered = await renderForRuntime({ ...o, outDir, servers, table });
  const base: Deployment = {
    apiVersion: 'mlserve/v1',
    kind: 'Deployment',
    runtime: o.runtime,
    createdAt: new Date().toISOString(),
    plan: resolve(o.planPath),
    started: false,
    status: 'rendered',
    ...(o.runtime === 'kubernetes' ? { namespace: o.namespace } : {}),
    outDir,
    files: rendered.files,
    ...(o.runtime === 'local' ? {} : { images: rendered.images }),
    servers: rendered.endpoints ?? servers.map((s) => plannedEndpoints(s, o.basePort, servers.indexOf(s))),
  };
  if (o.dryRun) {
    await writeDeployment(deploymentFile, base);
    return { deploymentFile, deployment: base };
  }

  const started: DeployedServer[] = [];
  const record = async (extra: Partial<Deployment>) => {
    const d: Deployment = { ...base, started: true, status: 'running', servers: [...started], ...extra };
    await writeDeployment(deploymentFile, d);
    return d;
  };
  const onStarted = async (s: DeployedServer) => {
    started.push(s);
    await record({});
  };
  try {
    if (o.runtime === 'local') {
      await startLocal(servers, { outDir, extraServeArgs: rendered.serveFlags, basePort: o.basePort, readyTimeoutMs: o.readyTimeoutMs, logger: o.logger, onStarted });
    } else if (o.runtime === 'docker') {
      await assertDockerEngine();
      await startDocker(servers, { outDir, images: rendered.images, network: o.dockerNetwork, serveFlags: rendered.serveFlags, exposeManagement: o.exposeManagement, basePort: o.basePort, readyTimeoutMs: o.readyTimeoutMs, logger: o.logger, onStarted });
    } else {
      await assertKubectl();
      for (const ctx of rendered.modelImages) {
        await assertDockerEngine();
        await buildImage({ context: join(outDir, ctx.dir), tag: ctx.tag, logger: o.logger });
        // The cluster pulls images: one built here is only on this machine until pushed.
        o.logger.warn(`built ${ctx.tag} here: push it where the cluster pulls from (docker push, kind load docker-image), or use --archive-url`);
      }
      // Recorded before applying: a half-applied set of files is removed by --down all the same.
      for (const s of rendered.endpoints ?? []) started.push(s);
      await record({});
      await kubectlApply(rendered.manifestFiles.map((f) => join(outDir, f)), o.logger);
    }
  } catch (e) {
    const err = toMlsError(e);
    await record({ started: started.length > 0, status: 'failed', error: { code: err.code, message: err.message } });
    if (isMlsError(e) && (['MLS_ERR_DEPLOY_SERVER_START_FAILED', 'MLS_ERR_DEPLOY_READY_TIMEOUT', 'MLS_ERR_DEPLOY_APPLY_FAILED'].includes(e.code))) throw e;
    if (started.length === 0) throw err;
    throw new MlsError('MLS_ERR_DEPLOY_APPLY_FAILED', { step: { code: err.code, reason: err.message } }, { cause: e, details: { recorded: deploymentFile } });
  }
  return { deploymentFile, deployment: await record({}) };
}

/** Endpoints known before anything starts (dry run): fixed ports with --base-port, else none yet. */
function plannedEndpoints(s: DeployServer, basePort: number | undefined, i: number): DeployedServer {
  const inference = basePort === undefined ? 'http://127.0.0.1:0' : `http://127.0.0.1:${basePort + 3 * i}`;
  return {
    name: s.name,
    instance: s.instanceId,
    inference,
    models: s.models.map((m) => ({ name: m.name, url: `${inference}/predictions/${m.name}` })),
  };
}

async function refuseIfStarted(file: string): Promise<void> {
  try {
    await access(file);
  } catch {
    return;
  }
  let d: Deployment;
  try {
    d = await readDeployment(file);
  } catch {
    return; // an unreadable leftover is replaced
  }
  if (d.started) {
    throw new MlsError('MLS_ERR_DEPLOY_ALREADY_RUNNING', { file, runtime: d.runtime, status: d.status ?? 'running' }, {
      details: { file, servers: d.servers.map((s) => s.name) },
    });
  }
}
