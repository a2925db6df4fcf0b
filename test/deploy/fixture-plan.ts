// Fixture plans for the deploy tests: real .mar archives (written by the archive module from
// fixture ONNX models and the real PaddleOCR orientation classifier) and plan.yaml files in the
// pack format that reference them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeArchive } from '../../src/archive/writer.js';
import { writePlan, type Plan, type PlannedInstance } from '../../src/formats/plan.js';
import { identityModel, mlpModel } from '../../fixtures/models.js';
import { OCR_CLS_MODEL } from '../../fixtures/index.js';

export interface FixtureArchives {
  identity: string;
  mlp: string;
  ocr: string;
}

/** Writes identity, mlp (16 inputs → 3 classes) and ocr-cls archives into dir/model_store. */
export async function writeFixtureArchives(dir: string): Promise<FixtureArchives> {
  const src = join(dir, 'onnx');
  await mkdir(src, { recursive: true });
  await writeFile(join(src, 'identity.onnx'), identityModel());
  await writeFile(join(src, 'mlp.onnx'), mlpModel());
  const store = join(dir, 'model_store');
  const one = async (name: string, file: string) =>
    (await writeArchive({ modelName: name, version: '1.0', serializedFile: file, handler: 'base_handler', exportPath: store, archiveFormat: 'default', force: true })).path;
  return {
    identity: await one('identity', join(src, 'identity.onnx')),
    mlp: await one('mlp', join(src, 'mlp.onnx')),
    ocr: await one('ocr-cls', OCR_CLS_MODEL),
  };
}

const GB = 1e9;

function server(name: string, processor: number, models: Array<{ name: string; archive?: string; memory?: number; util?: number }>) {
  const ms = models.map((m) => ({ name: m.name, archive: m.archive, replica: 0, memory: m.memory ?? 0.1 * GB, util: m.util ?? 5 }));
  return { name, processor, memory: ms.reduce((a, m) => a + m.memory, 0), util: ms.reduce((a, m) => a + m.util, 0), models: ms };
}

export function planOf(instances: PlannedInstance[]): Plan {
  const servers = instances.flatMap((i) => i.servers);
  const cost = instances.reduce((a, i) => a + i.pricePerHour, 0);
  const models = servers.reduce((a, s) => a + s.models.length, 0);
  return {
    apiVersion: 'mlserve/v1',
    kind: 'PackingPlan',
    objective: 'cost',
    caps: { memory: 7.4 * GB, util: 83 },
    solver: { status: 'optimal', optimal: true, objectiveValue: cost, lowerBound: cost, gap: 0, solveSeconds: 0.01 },
    totals: { instances: instances.length, processors: servers.length, models, costPerHour: cost, costPerModelHour: models ? cost / models : 0 },
    instances,
  };
}

/** Two CPU servers on one c5 instance: identity + mlp, and the OCR classifier. Archive paths relative to the plan. */
export function localPlan(): Plan {
  return planOf([
    {
      id: 'c5-0',
      type: 'c5.xlarge',
      family: 'c5',
      pricePerHour: 0.17,
      servers: [
        server('c5-0-p0', 0, [
          { name: 'identity', archive: 'model_store/identity.mar' },
          { name: 'mlp', archive: 'model_store/mlp.mar' },
        ]),
        server('c5-0-p1', 0, [{ name: 'ocr-cls', archive: 'model_store/ocr-cls.mar', memory: 0.3 * GB, util: 20 }]),
      ],
    },
  ]);
}

/** One server per processor family (inf1 with two chips, g4dn, c5): exercises devices and selectors. */
export function mixedPlan(): Plan {
  return planOf([
    {
      id: 'inf1-0',
      type: 'inf1.6xlarge',
      family: 'inf1',
      pricePerHour: 1.18,
      servers: [
        server('inf1-0-p0', 0, [{ name: 'identity', archive: 'model_store/identity.mar' }]),
        server('inf1-0-p1', 1, [{ name: 'mlp', archive: 'model_store/mlp.mar' }]),
      ],
    },
    { id: 'g4dn-0', type: 'g4dn.xlarge', family: 'g4dn', pricePerHour: 0.526, servers: [server('g4dn-0-p0', 0, [{ name: 'ocr-cls', archive: 'model_store/ocr-cls.mar', memory: 0.5 * GB }])] },
    { id: 'c5-0', type: 'c5.2xlarge', family: 'c5', pricePerHour: 0.34, servers: [server('c5-0-p0', 0, [{ name: 'mlp-b', archive: 'model_store/mlp.mar', util: 40 }])] },
  ]);
}

export async function writeFixturePlan(dir: string, plan: Plan, name = 'plan.yaml'): Promise<string> {
  const path = join(dir, name);
  await writePlan(path, plan);
  return path;
}
