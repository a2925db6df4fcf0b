// Memory does not grow with the model: each streamed format writes a 256 MiB file (sparse, so it
// costs no disk to make) while this process's peak RSS grows by much less than the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArchive } from '../../src/archive/writer.js';
import { extractArchive } from '../../src/archive/reader.js';
import type { ArchiveFormat } from '../../src/archive/types.js';

const SIZE = 256 * 1024 * 1024;
const peakMB = () => process.resourceUsage().maxRSS / 1024;

test('writing and extracting a 256 MiB model keeps peak RSS growth far below its size', async () => {
  const work = await mkdtemp(join(tmpdir(), 'mls-memory-'));
  try {
    const model = join(work, 'big.onnx');
    const fh = await open(model, 'w');
    await fh.truncate(SIZE);
    await fh.close();
    const start = peakMB();
    for (const format of ['default', 'zip-store', 'tgz'] as ArchiveFormat[]) {
      const r = await writeArchive({ modelName: `big-${format}`, version: '1', serializedFile: model, handler: 'base_handler', exportPath: join(work, 'out'), archiveFormat: format, force: false });
      const ex = await extractArchive(r.path, join(work, `x-${format}`));
      assert.equal(ex.serializedFilePath, join(work, `x-${format}`, 'big.onnx'));
      await rm(join(work, `x-${format}`), { recursive: true });
      const grown = peakMB() - start;
      assert.ok(grown < 96, `${format}: peak RSS grew by ${grown.toFixed(0)} MB for a ${SIZE / 2 ** 20} MiB model`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
