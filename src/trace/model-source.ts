// What a path given to `mlserve trace` holds: a bare ONNX model, or a model archive (.mar zip,
// tgz, or an unpacked folder) whose manifest names the ONNX serialized file.
import { open, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { MlsError, toMlsError } from '../errors.js';
import type { ExtractedArchive } from '../archive/types.js';
import { workerKindFor } from '../serve/frontend/worker-kind.js';

export interface ModelSource {
  /** Model name as served: the archive's modelName, or the file name without .onnx. */
  name: string;
  input: string;
  /** The ONNX file to trace. */
  modelPath: string;
  /** Set for archives: what was extracted (the archive is rebuilt from it with --write-archive). */
  archive?: ExtractedArchive;
  /** The archive was an unpacked folder (TorchServe's --archive-format no-archive). */
  folder?: boolean;
  /** The archive's handler runs in a Python worker (measured there: python-measure.ts). */
  python?: boolean;
}

async function firstBytes(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function archiveKind(path: string): Promise<'folder' | 'file' | undefined> {
  const st = await stat(path).catch((e: unknown) => {
    throw toMlsError(e);
  });
  if (st.isDirectory()) return 'folder';
  const head = await firstBytes(path);
  const zip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  return zip || gzip ? 'file' : undefined;
}

/** Resolves one input; archives are extracted under `workDir`. */
export async function resolveModelSource(input: string, workDir: string): Promise<ModelSource> {
  const kind = await archiveKind(input);
  if (!kind) {
    return { name: basename(input, extname(input)), input, modelPath: input };
  }
  const { extractArchive } = await import('../archive/reader.js');
  const archive = await extractArchive(input, join(workDir, basename(input).replace(/[^\w.-]/g, '_')));
  const name = archive.manifest.model.modelName;
  const file = archive.serializedFilePath;
  if (workerKindFor(archive.manifest.model.handler ?? 'base_handler', file) === 'python') {
    return { name, input, modelPath: file ?? archive.dir, archive, folder: kind === 'folder', python: true };
  }
  if (!file || !file.toLowerCase().endsWith('.onnx')) {
    throw new MlsError('MLS_ERR_TRACE_NO_MODEL_IN_ARCHIVE', { name, input, file: file ? basename(file) : 'missing' }, {
      details: { model: name, archive: input },
    });
  }
  return { name, input, modelPath: file, archive, folder: kind === 'folder' };
}
