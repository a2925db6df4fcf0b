// `mlserve deploy --down`: removes what deployment.yaml records as started (processes, containers,
// Kubernetes objects), then marks the deployment stopped. Safe to run twice.
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MlsError } from '../errors.js';
import { readDeployment, writeDeployment, type Deployment } from '../formats/deployment.js';
import type { Logger } from '../log.js';
import { stopDocker } from './runtime-docker.js';
import { kubectlDelete } from './runtime-kubernetes.js';
import { stopLocal } from './runtime-local.js';

export interface DownResult {
  deploymentFile: string;
  runtime: Deployment['runtime'];
  stopped: string[]; // servers whose process/container/objects were removed
  notRunning: string[]; // recorded but already gone
}

export async function down(o: { outDir: string; logger: Logger }): Promise<DownResult> {
  const deploymentFile = join(resolve(o.outDir), 'deployment.yaml');
  try {
    await access(deploymentFile);
  } catch (e) {
    throw new MlsError('MLS_ERR_DEPLOY_NOT_FOUND', { outDir: resolve(o.outDir) }, { cause: e });
  }
  const d = await readDeployment(deploymentFile);
  const result: DownResult = { deploymentFile, runtime: d.runtime, stopped: [], notRunning: [] };
  if (!d.started) {
    result.notRunning = d.servers.map((s) => s.name);
    return result;
  }
  if (d.runtime === 'kubernetes') {
    const files = (d.files ?? []).filter((f) => f.startsWith('kubernetes/')).sort();
    await kubectlDelete(files.map((f) => join(d.outDir ?? o.outDir, f)), o.logger);
    result.stopped = d.servers.map((s) => s.name);
  } else {
    // Stop in parallel: each server gets its own grace period.
    const outcomes = await Promise.all(d.servers.map((s) => (d.runtime === 'local' ? stopLocal(s, o.logger) : stopDocker(s, o.logger))));
    d.servers.forEach((s, i) => (outcomes[i] ? result.stopped : result.notRunning).push(s.name));
  }
  await writeDeployment(deploymentFile, { ...d, started: false, status: 'stopped', error: undefined });
  return result;
}
