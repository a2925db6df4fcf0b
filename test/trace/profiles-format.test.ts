// profiles.yaml: the example of DESIGN.md reads, sizes round-trip with units, bad files are coded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readProfiles, writeProfiles } from '../../src/formats/profiles.js';
import { isMlsError } from '../../src/errors.js';

const DESIGN_EXAMPLE = `apiVersion: mlserve/v1
kind: ModelProfiles
models:
  - name: bert-0
    archive: model_store/bert-0.mar
    replicas: 1
    resources:
      inf1: { memory: 0.3GB, util: 3.4 }
      g4dn: { memory: 0.42GB, util: 4.1 }
      c5:   { memory: 0.82GB, util: 9.0 }
    latency: { p50Ms: 21.0, p90Ms: 24.3 }
`;

test('the DESIGN.md example reads; written back it keeps units and the measured details', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-profiles-'));
  try {
    await writeFile(join(dir, 'a.yaml'), DESIGN_EXAMPLE);
    const doc = await readProfiles(join(dir, 'a.yaml'));
    assert.equal(doc.models[0]!.resources.c5!.memory, 0.82e9);
    doc.models[0]!.measured = { loadMs: 12.5, batch: { size: 8, p50Ms: 40 }, custom: { kept: true } };
    await writeProfiles(join(dir, 'b.yaml'), doc);
    const text = await readFile(join(dir, 'b.yaml'), 'utf8');
    assert.match(text, /memory: 820MB/);
    const again = await readProfiles(join(dir, 'b.yaml'));
    assert.equal(again.models[0]!.resources.inf1!.memory, 0.3e9);
    assert.equal(again.models[0]!.measured!.batch!.size, 8);
    assert.deepEqual(again.models[0]!.measured!['custom'], { kept: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bad profiles are refused with the field named', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-profiles-'));
  try {
    const cases: Array<[string, RegExp]> = [
      [DESIGN_EXAMPLE.replace('util: 3.4', 'util: -1'), /models\.0\.resources\.inf1\.util/],
      [DESIGN_EXAMPLE.replace('memory: 0.3GB', 'memory: lots'), /models\.0\.resources\.inf1\.memory/],
      [DESIGN_EXAMPLE.replace('    replicas: 1\n', '    replicas: 1\n    colour: red\n'), /models\.0/],
    ];
    for (const [text, field] of cases) {
      await writeFile(join(dir, 'bad.yaml'), text);
      await assert.rejects(readProfiles(join(dir, 'bad.yaml')), (e) => isMlsError(e) && e.code === 'MLS_ERR_INVALID_FILE_FORMAT' && field.test(e.message));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
