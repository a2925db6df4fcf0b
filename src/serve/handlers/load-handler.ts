// Resolves a manifest's handler name to a ModelHandler: the built-ins (`base_handler`,
// `image_classifier`) or a JavaScript module shipped inside the archive exporting TorchServe's
// entry points: `initialize(context)`, `preprocess`, `inference`, `postprocess` (any may be left
// out), or a single `handle(requests, context)`. `file.js:fn` names the function to use as handle.
import { resolve, sep } from 'node:path';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { baseHandler } from './base-handler.js';
import { createImageClassifier } from './image-classifier.js';
import { mergeRuns, runSession, type Feeds } from './session.js';
import type { HandlerContext, HandlerRequest, ModelHandler } from './types.js';

type Fn = (a: unknown, ctx: HandlerContext) => unknown;

interface CustomModule {
  initialize?: (ctx: HandlerContext) => unknown;
  preprocess?: Fn;
  inference?: Fn;
  postprocess?: Fn;
  handle?: (requests: HandlerRequest[], ctx: HandlerContext) => unknown;
  explain?: (requests: HandlerRequest[], ctx: HandlerContext) => unknown;
}

const BUILTIN_ALIASES: Record<string, string> = {
  base_handler: 'base_handler',
  base: 'base_handler',
  image_classifier: 'image_classifier',
};

/** Feeds of plain tensors or ort.Tensors → outputs: the default `inference` step. */
async function defaultInference(data: unknown, ctx: HandlerContext): Promise<unknown> {
  const feeds = data as Record<string, unknown>;
  const first = Object.values(feeds)[0];
  if (first instanceof ctx.ort.Tensor) return ctx.session.run(feeds as Record<string, InstanceType<typeof ctx.ort.Tensor>>);
  return runSession(ctx, feeds as Feeds);
}

export async function loadHandler(name: string, modelDir: string, ctx: HandlerContext): Promise<ModelHandler> {
  const builtin = BUILTIN_ALIASES[name];
  // Built-in handlers treat dim 0 as the batch: their runs of one turn may share a session call.
  if (builtin) mergeRuns(ctx);
  if (builtin === 'base_handler') return baseHandler;
  if (builtin === 'image_classifier') return createImageClassifier();
  const [file, fnName] = name.split(':') as [string, string | undefined];
  const path = resolve(modelDir, file);
  if (!path.startsWith(resolve(modelDir) + sep)) throw new Error(`handler ${name} points outside the archive`);
  if (!existsSync(path)) {
    throw new Error(`handler "${name}" is neither a built-in (base_handler, image_classifier) nor a file in the archive`);
  }
  const mod = (await import(pathToFileURL(path).href)) as CustomModule & { default?: CustomModule };
  const m: CustomModule = { ...(mod.default ?? {}), ...mod };
  if (fnName) {
    const fn = (m as Record<string, unknown>)[fnName];
    if (typeof fn !== 'function') throw new Error(`handler ${file} has no exported function ${fnName}`);
    m.handle = fn as CustomModule['handle'];
  }
  if (typeof m.initialize === 'function') await m.initialize(ctx);
  const explain = m.explain;
  const withExplain = (h: ModelHandler): ModelHandler =>
    typeof explain === 'function' ? { handle: h.handle, explain: async (reqs, c) => (await explain(reqs, c)) as unknown[] } : h;
  if (typeof m.handle === 'function') {
    const handle = m.handle;
    return withExplain({ handle: async (reqs, c) => (await handle(reqs, c)) as unknown[] });
  }
  if (!m.preprocess && !m.inference && !m.postprocess) {
    throw new Error(`handler ${file} exports none of handle, preprocess, inference, postprocess`);
  }
  return withExplain({
    async handle(reqs, c) {
      const pre = m.preprocess ? await m.preprocess(reqs, c) : reqs;
      const inf = m.inference ? await m.inference(pre, c) : await defaultInference(pre, c);
      return (m.postprocess ? await m.postprocess(inf, c) : inf) as unknown[];
    },
  });
}
