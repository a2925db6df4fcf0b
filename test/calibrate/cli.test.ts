// Argument table for `mlserve calibrate` and `loadtest --verify`: bad input is refused with its
// code and exit code before any server starts, and nothing is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const PROFILES = `apiVersion: mlserve/v1
kind: ModelProfiles
models:
  - { name: m, archive: m.mar, resources: { c5: { memory: 1MB, util: 1 } } }
`;

test('calibrate refuses bad flags and profiles with coded errors, leaving the profiles as they were', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-calibrate-cli-'));
  const profiles = join(dir, 'profiles.yaml');
  await writeFile(profiles, PROFILES);
  const cases: Array<[string[], string, number]> = [
    [['--slo', 'p90=100ms', '--batch-sizes', '0,4'], 'MLS_ERR_CALIBRATE_BAD_LIST', 2],
    [['--slo', 'p90=100ms', '--workers', 'two'], 'MLS_ERR_CALIBRATE_BAD_LIST', 2],
    [['--slo', 'fast'], 'MLS_ERR_LOADTEST_BAD_SLO', 2],
    [[], 'MLS_ERR_USAGE', 2],
    // This machine has neither (tests never fake a device): refused before the profiles are read.
    [['--slo', 'p90=100ms', '--processor', 'gpu'], 'MLS_ERR_CALIBRATE_PROCESSOR_UNAVAILABLE', 5],
    [['--slo', 'p90=100ms', '--processor', 'inf'], 'MLS_ERR_CALIBRATE_PROCESSOR_UNAVAILABLE', 5],
    [['--slo', 'p90=100ms', '--rps-per-model', '1', '--family', 'g4dn'], 'MLS_ERR_CALIBRATE_FAMILY_MISMATCH', 2], // a GPU family measured on the CPU
    [['--from-verify', 'verify.json'], 'MLS_ERR_USAGE', 2], // re-calibration needs the plan and the deployment
    [['--slo', 'p90=100ms'], 'MLS_ERR_CALIBRATE_NO_RATE', 2], // no measured.rps, no --rps-per-model
  ];
  for (const [flags, code, exit] of cases) {
    const r = await runCli(['calibrate', '--profiles', profiles, ...flags, '--json']);
    assert.equal(r.code, exit, `${flags.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, code, flags.join(' '));
  }
  assert.equal(await readFile(profiles, 'utf8'), PROFILES);
});

test('loadtest --verify needs a deployment and an SLO', async () => {
  const r1 = await runCli(['loadtest', '--verify', 'plan.yaml', '--slo', 'p90=100ms', '--json']);
  assert.equal((JSON.parse(r1.stdout) as { error: { code: string } }).error.code, 'MLS_ERR_LOADTEST_NO_TARGET');
  const r2 = await runCli(['loadtest', '--verify', 'plan.yaml', '--deployment', 'deployment.yaml', '--json']);
  assert.equal((JSON.parse(r2.stdout) as { error: { code: string } }).error.code, 'MLS_ERR_LOADTEST_BAD_SLO');
});
