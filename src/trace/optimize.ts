// Step one of tracing a model, in this process: open the original without optimizations, plan its
// inputs, save the model optimized for the target, open the saved model as the server would, and
// check that both give finite outputs that agree within tolerance at batch 1 and at --batch-size.
import { rename, rm, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempPathFor } from '../fs/atomic.js';
import { toMlsError } from '../errors.js';
import type { ExampleTensor } from './example-file.js';
import { makeFeeds } from './feeds.js';
import { effectiveBatch, planInputs, type InputPlan } from './input-plan.js';
import { assertFinite, compareOutputs } from './output-check.js';
import { openSession, runSession, savedOptimizationLevel, SERVING_LEVEL, type Processor, type SavedLevel } from './session.js';

export interface OptimizeRequest {
  model: string;
  modelPath: string;
  optimizedPath: string;
  processor: Processor;
  batchSize: number;
  shapes: Record<string, number[]>;
  example?: Record<string, ExampleTensor>;
  /** When false, --shape/--example names that are not inputs of this model are skipped (many models). */
  strictNames: boolean;
  threads: number;
  tolerance?: number;
}

export interface OptimizeResult {
  plans: InputPlan[];
  optimizedPath: string;
  /** Optimizations saved in the model (the server adds the rest when it loads it). */
  level: SavedLevel;
  batchSize: number;
  maxAbsDiff: number;
  outputs: string[];
}

export async function optimizeModel(req: OptimizeRequest): Promise<OptimizeResult> {
  const original = await openSession(req.model, req.modelPath, { level: 'disabled', threads: req.threads });
  const level = savedOptimizationLevel(req.processor);
  await mkdir(dirname(req.optimizedPath), { recursive: true });
  const tmp = `${tempPathFor(req.optimizedPath)}.onnx`;
  try {
    const plans = planInputs(req.model, original.inputMetadata, req.shapes, req.example, req.strictNames);
    await (await openSession(req.model, req.modelPath, { level, threads: req.threads, optimizedModelFilePath: tmp })).release();
    // What is checked is what will be served: the saved file, opened as the server opens it.
    const optimized = await openSession(req.model, tmp, { level: SERVING_LEVEL, threads: req.threads });
    try {
      const batchSize = effectiveBatch(plans, req.batchSize);
      let maxAbsDiff = 0;
      for (const batch of new Set([1, batchSize])) {
        const feeds = makeFeeds(plans, batch);
        const want = await runSession(req.model, original, feeds);
        assertFinite(req.model, want, 'original');
        const got = await runSession(req.model, optimized, feeds);
        assertFinite(req.model, got, 'optimized');
        maxAbsDiff = Math.max(maxAbsDiff, compareOutputs(req.model, want, got, req.tolerance));
      }
      await rename(tmp, req.optimizedPath).catch((e: unknown) => {
        throw toMlsError(e);
      });
      return { plans, optimizedPath: req.optimizedPath, level, batchSize, maxAbsDiff, outputs: [...original.outputNames] };
    } finally {
      await optimized.release();
    }
  } finally {
    await original.release();
    await rm(tmp, { force: true });
  }
}
