import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintDockerfile } from '../../src/deploy/dockerfile-lint.js';
import { fillTemplate } from '../../src/deploy/template-fill.js';
import { TEMPLATES_DIR } from '../../src/paths.js';
import { runCli } from '../helpers/cli.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

test('the Dockerfile templates of every processor family lint clean', async () => {
  for (const p of ['cpu', 'gpu', 'inf']) {
    const text = await readFile(join(TEMPLATES_DIR, 'docker', `Dockerfile.${p}`), 'utf8');
    assert.deepEqual(lintDockerfile(text), [], p);
    assert.match(text, /^USER 10001:10001$/m, `${p} runs as a non-root user`);
    assert.match(text, /^HEALTHCHECK /m);
  }
});

test('the Dockerfile lint reports syntax errors, a root user and a missing health check', () => {
  const issues = lintDockerfile('FROM node:20\nEXPOSE abc\nCOPYY a b\nUSER root\nCMD ["node"]\n');
  const text = issues.map((i) => `${i.line}: ${i.message}`).join('\n');
  assert.match(text, /^3: .*COPYY/m);
  assert.match(text, /^2: .*port/im);
  assert.match(text, /^4: USER is root/m);
  assert.match(text, /no HEALTHCHECK/);
  assert.match(lintDockerfile('FROM x\nHEALTHCHECK CMD ["true"]\n').map((i) => i.message).join(), /no USER/);
});

test('templates are filled structurally: whole values, dropped keys, interpolation, unknown placeholders', () => {
  const t = { a: '${obj}', b: '${missing}', list: ['x', '${missing}', '${n}'], s: 'name-${n}', keep: 3 };
  const out = fillTemplate(t, { obj: { deep: [1, 2] }, missing: undefined, n: 7 }, 't.yaml');
  assert.deepEqual(out, { a: { deep: [1, 2] }, list: ['x', 7], s: 'name-7', keep: 3 });
  assert.throws(() => fillTemplate({ a: '${nope}' }, {}, 't.yaml'), { code: 'MLS_ERR_DEPLOY_TEMPLATE_INVALID' });
  assert.throws(() => fillTemplate({ a: 'x-${obj}' }, { obj: {} }, 't.yaml'), { code: 'MLS_ERR_DEPLOY_TEMPLATE_INVALID' });
});

test('mlserve build renders a ready context (base image override, staged runtime) and says when no engine can build it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mlserve-build-'));
  dirs.push(dir);
  const out = join(dir, 'ctx');
  // No docker on PATH: the context is left ready and the reason is reported.
  const r = await runCli(['build', '--processor', 'cpu', '--base-image', 'mlserve-base:local', '--tag', 'mlserve-cpu:test', '--out', out, '--json'], {
    env: { PATH: join(dir, 'no-bin') },
    timeoutMs: 120_000,
  });
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout) as { built: boolean; reason: string; tag: string; command: string };
  assert.equal(res.built, false);
  assert.match(res.reason, /docker is not installed/);
  assert.equal(res.command, `docker build -t mlserve-cpu:test ${out}`);
  const dockerfile = await readFile(join(out, 'Dockerfile'), 'utf8');
  assert.match(dockerfile, /^ARG BASE_IMAGE=mlserve-base:local$/m);
  assert.deepEqual(lintDockerfile(dockerfile), []);
  for (const f of ['mlserve/dist/src/cli.js', 'mlserve/healthcheck.mjs', 'mlserve/package.json', 'mlserve/templates/processors.yaml', 'mlserve/node_modules/onnxruntime-node/package.json', 'home/model-store']) {
    await access(join(out, f));
  }
  // Deploy-only packages stay out of the server image.
  await assert.rejects(access(join(out, 'mlserve/node_modules/@kubernetes/client-node')));

  const bad = await runCli(['build', '--processor', 'tpu', '--json']);
  assert.equal(bad.code, 2);
  assert.equal(JSON.parse(bad.stdout).error.code, 'MLS_ERR_USAGE');
});
