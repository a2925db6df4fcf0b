// Argument table for `mlserve deploy` and `mlserve build`: bad flags are usage errors (exit 2)
// with the stable code, before anything is read or started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

const cases: Array<{ args: string[]; match: RegExp }> = [
  { args: ['deploy'], match: /--plan is required/ },
  { args: ['deploy', '--plan', 'p.yaml', '--runtime', 'swarm'], match: /--runtime: "swarm" is not one of local, docker, kubernetes/ },
  { args: ['deploy', '--plan', 'p.yaml', '--namespace', 'Bad_NS'], match: /--namespace/ },
  { args: ['deploy', '--plan', 'p.yaml', '--autoscale', '3:1'], match: /--autoscale: "3:1"/ },
  { args: ['deploy', '--plan', 'p.yaml', '--base-port', 'http'], match: /--base-port/ },
  { args: ['deploy', '--plan', 'p.yaml', '--docker-network', 'overlay'], match: /--docker-network/ },
  { args: ['deploy', '--plan', 'p.yaml', '--ready-timeout', '10'], match: /unit|duration/i },
  { args: ['build'], match: /--processor/ },
];

test('bad deploy and build flags are usage errors with exit code 2', async () => {
  const results = await Promise.all(cases.map((c) => runCli([...c.args, '--json'])));
  results.forEach((r, i) => {
    const c = cases[i]!;
    assert.equal(r.code, 2, `${c.args.join(' ')}: ${r.stderr}`);
    const err = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
    assert.match(err.code, /^MLS_ERR_(USAGE|INVALID_UNIT)$/, c.args.join(' '));
    assert.match(`${err.message}\n${r.stderr}`, c.match, c.args.join(' '));
  });
});
