// The kubernetes runtime: `kubectl apply` of the rendered manifests (the current kubectl context
// picks the cluster), `kubectl delete` of the same files for --down.
import { MlsError } from '../errors.js';
import { hasCommand, run } from '../exec.js';
import type { Logger } from '../log.js';

export async function assertKubectl(): Promise<void> {
  if (!(await hasCommand('kubectl'))) {
    throw new MlsError('MLS_ERR_DEPLOY_KUBECTL_MISSING');
  }
}

export async function kubectlApply(files: string[], logger: Logger): Promise<void> {
  await assertKubectl();
  // The Namespace first: the other objects are created in it.
  const r = await run('kubectl', ['apply', ...files.flatMap((f) => ['-f', f])], { timeout: 300_000 });
  if (r.exitCode !== 0) {
    throw new MlsError('MLS_ERR_DEPLOY_APPLY_FAILED', { kubectlApply: { stderr: r.stderr.trim() || r.stdout.trim() } });
  }
  for (const l of r.stdout.trim().split('\n')) if (l) logger.info(l);
}

export async function kubectlDelete(files: string[], logger: Logger): Promise<void> {
  await assertKubectl();
  // Reverse order: the Namespace (which would take the rest with it) last.
  const r = await run('kubectl', ['delete', '--ignore-not-found', ...[...files].reverse().flatMap((f) => ['-f', f])], { timeout: 300_000 });
  if (r.exitCode !== 0) {
    throw new MlsError('MLS_ERR_DEPLOY_APPLY_FAILED', { kubectlDelete: { stderr: r.stderr.trim() || r.stdout.trim() } });
  }
  for (const l of r.stdout.trim().split('\n')) if (l) logger.info(l);
}
