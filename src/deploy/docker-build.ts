// `docker build` of a rendered context. Output goes to the logger line by line (builds are long);
// a failed build keeps the context for inspection and reports the last lines.
import { MlsError } from '../errors.js';
import { start } from '../exec.js';
import type { Logger } from '../log.js';

export async function buildImage(o: { context: string; tag: string; logger: Logger; timeoutMs?: number }): Promise<{ seconds: number }> {
  const t0 = Date.now();
  o.logger.info(`docker build -t ${o.tag} ${o.context}`);
  const child = start('docker', ['build', '-t', o.tag, o.context], {
    all: true,
    stdin: 'ignore',
    timeout: o.timeoutMs ?? 30 * 60_000,
    env: { DOCKER_BUILDKIT: process.env.DOCKER_BUILDKIT ?? '0' },
  });
  const tail: string[] = [];
  let pending = '';
  child.all?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const l of lines) {
      o.logger.debug(l);
      tail.push(l);
      if (tail.length > 30) tail.shift();
    }
  });
  let r;
  try {
    r = await child;
  } catch (e) {
    throw new MlsError('MLS_ERR_DEPLOY_DOCKER_MISSING', { cannotStart: { reason: (e as Error).message } }, { cause: e });
  }
  if ((r as { failed?: boolean }).failed && (r as { code?: string }).code === 'ENOENT') {
    throw new MlsError('MLS_ERR_DEPLOY_DOCKER_MISSING', { notInstalled: {} });
  }
  if (r.exitCode !== 0) {
    throw new MlsError('MLS_ERR_BUILD_FAILED', { tag: o.tag, exitCode: r.exitCode ?? 'killed', output: [...tail, pending].join('\n') }, {
      details: { context: o.context, tag: o.tag },
    });
  }
  return { seconds: (Date.now() - t0) / 1000 };
}
