// CLI-side codes provoked through the functions that find them (a table, as fastify tests its
// error codes): the code, its exit code, and the message naming what was wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MlsError, type ErrorCode } from '../../src/errors.js';
import { parseYamlText } from '../../src/formats/yaml-file.js';
import { buildProblem } from '../../src/pack/model/build-problem.js';
import { loadDefaultCatalog } from '../../src/pack/model/catalog-load.js';
import type { ModelProfiles } from '../../src/formats/profiles.js';

function refusal(f: () => unknown): MlsError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof MlsError, `not an MlsError: ${String(e)}`);
    return e;
  }
  assert.fail('nothing was thrown');
}

const model = (name: string): ModelProfiles['models'][number] => ({ name, replicas: 1, resources: { inf1: { memory: 1e9, util: 10 } } });
const profiles = (models: ModelProfiles['models']): ModelProfiles => ({ apiVersion: 'mlserve/v1', kind: 'ModelProfiles', models });

test('coded refusals: code, exit code and what the message names', async () => {
  const catalog = await loadDefaultCatalog();
  const pack = (models: ModelProfiles['models']) => () => buildProblem({ profiles: profiles(models), catalog, maxUtil: 83, objective: 'cost' });
  const cases: Array<[ErrorCode, number, RegExp, () => unknown]> = [
    ['MLS_ERR_PACK_NO_MODELS', 3, /profiles list no models/, pack([])],
    ['MLS_ERR_PACK_DUPLICATE_MODEL', 3, /model "a" appears twice/, pack([model('a'), model('a')])],
    ['MLS_ERR_INVALID_YAML', 3, /^bad\.yaml: /, () => parseYamlText('a: [1, 2', 'bad.yaml')],
  ];
  for (const [code, exit, names, provoke] of cases) {
    const e = refusal(provoke);
    assert.deepEqual([e.code, e.exitCode], [code, exit]);
    assert.match(e.message, names);
  }
});
