// `mlserve build`: renders the server image's build context for a processor kind (Dockerfile from
// templates/docker/, mlserve's runtime staged in) and, when a Docker engine answers, builds it.
// Without an engine the context is left ready for `docker build` elsewhere.
import { resolve } from 'node:path';
import { isMlsError } from '../errors.js';
import type { Logger } from '../log.js';
import { renderServerContext } from './docker-context.js';
import { buildImage } from './docker-build.js';
import { assertDockerEngine } from './runtime-docker.js';
import { serverImage } from './render.js';
import type { ProcessorKind } from './processors.js';

export interface BuildOptions {
  processor: ProcessorKind;
  tag?: string;
  baseImage?: string;
  outDir: string;
  templatesDir: string;
  /** Render only, even if an engine is present. */
  noBuild?: boolean;
  logger: Logger;
}

export interface BuildResult {
  processor: ProcessorKind;
  context: string;
  tag: string;
  baseImage?: string;
  built: boolean;
  seconds?: number;
  /** Why the image was not built (no engine, --no-build). */
  reason?: string;
  command: string; // what builds the context by hand
}

export async function buildServer(o: BuildOptions): Promise<BuildResult> {
  const context = resolve(o.outDir);
  const tag = o.tag ?? serverImage(o.processor);
  await renderServerContext({ processor: o.processor, templatesDir: o.templatesDir, dir: context, baseImage: o.baseImage, stageRuntime: true });
  const result: BuildResult = { processor: o.processor, context, tag, baseImage: o.baseImage, built: false, command: `docker build -t ${tag} ${context}` };
  if (o.noBuild) return { ...result, reason: '--no-build' };
  try {
    await assertDockerEngine();
  } catch (e) {
    if (isMlsError(e) && e.code === 'MLS_ERR_DEPLOY_DOCKER_MISSING') {
      o.logger.warn(`${e.message}: the build context is ready in ${context}`);
      return { ...result, reason: e.message };
    }
    throw e;
  }
  const { seconds } = await buildImage({ context, tag, logger: o.logger });
  return { ...result, built: true, seconds };
}
