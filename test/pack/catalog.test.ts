import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog, loadDefaultCatalog } from '../../src/pack/model/catalog-load.js';

test('the default catalog has inf1, g4dn and c5 sizes with sources, prices and scaling rules', async () => {
  const c = await loadDefaultCatalog();
  for (const t of ['inf1.xlarge', 'inf1.2xlarge', 'inf1.6xlarge', 'inf1.24xlarge', 'g4dn.xlarge', 'g4dn.12xlarge', 'c5.xlarge']) {
    const it = c.instanceTypes[t];
    assert.ok(it, t);
    assert.ok(it.pricePerHour > 0 && it.source, `${t} has a price and a source`);
  }
  assert.equal(c.instanceTypes['inf1.6xlarge']!.processors, 4);
  assert.equal(c.instanceTypes['inf1.6xlarge']!.pricePerHour, 1.18);
  assert.equal(c.families['inf1']!.scaling!.from, 'c5');
  assert.ok(c.families['g4dn']!.scaling!.source);
});

test('--catalog extends (overrides and adds) or replaces the default', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mls-cat-'));
  try {
    const file = join(dir, 'c.yaml');
    await writeFile(
      file,
      'apiVersion: mlserve/v1\nkind: InstanceCatalog\ninstanceTypes:\n' +
        '  inf1.xlarge: { family: inf1, processors: 1, processorMemory: 8GB, hostMemory: 8GiB, vcpus: 4, pricePerHour: 0.1 }\n' +
        '  my.box: { family: c5, processors: 1, processorMemory: 16GB, hostMemory: 16GB, vcpus: 8, pricePerHour: 0.2 }\n',
    );
    const ext = await loadCatalog(file, 'extend');
    assert.equal(ext.instanceTypes['inf1.xlarge']!.pricePerHour, 0.1);
    assert.ok(ext.instanceTypes['my.box'] && ext.instanceTypes['g4dn.xlarge']);
    const rep = await loadCatalog(file, 'replace');
    assert.deepEqual(Object.keys(rep.instanceTypes).sort(), ['inf1.xlarge', 'my.box']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
