// The built-in `image_classifier`: decodes JPEG/PNG/WebP with sharp, resizes and normalizes as the
// archive's model-config.yaml says, runs the batch as one [N,3,H,W] tensor, and answers the top-k
// classes as {label: probability} (labels from index_to_name.json), like TorchServe's.
//
// model-config.yaml keys (under `handler:`, `handler.image:` or top level):
//   height, width (or size: [h, w])  the input size; default: the model's static input dims
//   mean, std (per channel, on 0..1 values; default 0 and 1), channel_order: rgb | bgr
//   resize: fill (stretch, default) | pad (keep aspect ratio, scale to height, pad right; PaddleOCR)
//   topk (default 5)
import { MlsError } from '../../errors.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runSession } from './session.js';
import type { HandlerContext, HandlerRequest, ModelHandler } from './types.js';

interface ImageConfig {
  height: number;
  width: number;
  mean: number[];
  std: number[];
  bgr: boolean;
  pad: boolean;
  topk: number;
}

function section(cfg: Record<string, unknown>): Record<string, unknown> {
  const h = cfg.handler as Record<string, unknown> | undefined;
  const img = (h?.image ?? cfg.image) as Record<string, unknown> | undefined;
  return { ...cfg, ...(h ?? {}), ...(img ?? {}) };
}

function nums(v: unknown, fallback: number[], what: string): number[] {
  if (v === undefined) return fallback;
  const arr = Array.isArray(v) ? v : [v, v, v];
  if (arr.length !== 3 || arr.some((x) => typeof x !== 'number')) throw new Error(`model-config.yaml: ${what} must be a number or 3 numbers`);
  return arr as number[];
}

export function imageConfig(ctx: HandlerContext): ImageConfig {
  const s = section(ctx.modelConfig);
  const size = Array.isArray(s.size) ? (s.size as number[]) : undefined;
  const shape = ctx.inputs[0]?.shape ?? [];
  const height = Number(s.height ?? size?.[0] ?? shape[2]);
  const width = Number(s.width ?? size?.[1] ?? shape[3]);
  if (!(height > 0 && width > 0)) {
    throw new Error('image_classifier: the model input size is dynamic; set height and width in model-config.yaml');
  }
  return {
    height,
    width,
    mean: nums(s.mean, [0, 0, 0], 'mean'),
    std: nums(s.std, [1, 1, 1], 'std'),
    bgr: String(s.channel_order ?? 'rgb').toLowerCase() === 'bgr',
    pad: String(s.resize ?? 'fill') === 'pad',
    topk: Number(s.topk ?? s.top_k ?? 5),
  };
}

/** Decodes one image into CHW float32 values at `out[offset...]`. */
async function decodeInto(img: Buffer, cfg: ImageConfig, out: Float32Array, offset: number): Promise<void> {
  const { default: sharp } = await import('sharp');
  const { height: H, width: W } = cfg;
  let pipeline = sharp(img, { failOn: 'error' }).removeAlpha().toColourspace('srgb');
  let w = W;
  if (cfg.pad) {
    const meta = await sharp(img).metadata();
    const ratio = (meta.width ?? W) / (meta.height ?? H);
    w = Math.max(1, Math.min(W, Math.ceil(H * ratio)));
  }
  pipeline = pipeline.resize(w, H, { fit: 'fill', kernel: 'linear' });
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  const ch = info.channels;
  const plane = H * W;
  for (let c = 0; c < 3; c++) {
    const src = cfg.bgr ? 2 - c : c;
    const mean = cfg.mean[c]!;
    const std = cfg.std[c]!;
    const base = offset + c * plane;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < w; x++) {
        const v = data[(y * w + x) * ch + Math.min(src, ch - 1)]! / 255;
        out[base + y * W + x] = (v - mean) / std;
      }
      // Padding (resize: pad) stays 0 after normalization, as PaddleOCR does.
    }
  }
}

function softmaxIfNeeded(row: Float32Array): Float32Array {
  let sum = 0;
  let inRange = true;
  for (const v of row) {
    sum += v;
    if (v < 0 || v > 1) inRange = false;
  }
  if (inRange && Math.abs(sum - 1) < 1e-3) return row; // already probabilities
  const max = Math.max(...row);
  const exps = row.map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / total);
}

async function loadLabels(ctx: HandlerContext): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await readFile(join(ctx.modelDir, 'index_to_name.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function label(labels: Record<string, unknown> | null, i: number): string {
  const l = labels?.[String(i)];
  if (Array.isArray(l)) return String(l[l.length - 1]); // ImageNet style ["n01440764", "tench"]
  return l === undefined ? String(i) : String(l);
}

export function createImageClassifier(): ModelHandler {
  let labels: Record<string, unknown> | null | undefined;
  let cfg: ImageConfig | undefined;
  return {
    async handle(requests: HandlerRequest[], ctx: HandlerContext) {
      cfg ??= imageConfig(ctx);
      if (labels === undefined) labels = await loadLabels(ctx);
      const c = cfg;
      const plane = 3 * c.height * c.width;
      const results: unknown[] = new Array(requests.length);
      const ok: number[] = [];
      const pixels = new Float32Array(requests.length * plane);
      await Promise.all(
        requests.map(async (r, i) => {
          try {
            await decodeInto(r.body, c, pixels, i * plane);
            ok.push(i);
          } catch (e) {
            results[i] = new MlsError('MLS_ERR_SERVE_BAD_INPUT', { image: { reason: (e as Error).message } });
          }
        }),
      );
      if (ok.length === 0) return results;
      ok.sort((a, b) => a - b);
      const batch = new Float32Array(ok.length * plane);
      ok.forEach((i, k) => batch.set(pixels.subarray(i * plane, (i + 1) * plane), k * plane));
      const input = ctx.inputs[0]!.name;
      const out = await runSession(ctx, { [input]: { type: 'float32', data: batch, dims: [ok.length, 3, c.height, c.width] } });
      const scores = out[ctx.outputs[0]!.name]!;
      const classes = scores.data.length / ok.length;
      ok.forEach((i, k) => {
        const probs = softmaxIfNeeded(Float32Array.from((scores.data as Float32Array).subarray(k * classes, (k + 1) * classes)));
        const order = [...probs.keys()].sort((a, b) => probs[b]! - probs[a]!).slice(0, Math.max(1, c.topk));
        const top: Record<string, number> = {};
        for (const j of order) top[label(labels ?? null, j)] = probs[j]!;
        results[i] = top;
      });
      return results;
    },
  };
}
