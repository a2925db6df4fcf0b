// Secure defaults: listeners on loopback unless configured; the rendered Kubernetes objects and
// Docker files keep management private and turn token authorization on; registration from URLs
// and paths outside the store is refused; a slowloris client is cut off by the header timeout.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { deploy } from '../../src/deploy/deploy.js';
import { containerServeFlags } from '../../src/deploy/serve-args.js';
import { silentLogger } from '../../src/log.js';
import { TEMPLATES_DIR } from '../../src/paths.js';
import { defaultOptions, parseAddress } from '../../src/serve/config.js';
import { DEFAULT_HTTP_LIMITS } from '../../src/serve/http/http1-server.js';
import { localPlan, writeFixtureArchives, writeFixturePlan } from '../deploy/fixture-plan.js';
import { httpBytes, isJsonError, rawRequest } from './harness.js';
import { startTestServer, type TestServer } from './server.js';

const SHORT_LIMITS = { ...DEFAULT_HTTP_LIMITS, headersTimeoutMs: 1000, firstByteTimeoutMs: 1000, sweepIntervalMs: 100 };

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let t: TestServer;
let dir: string;

before(async () => {
  // Short header and first-byte timeouts, swept every 100 ms: the slowloris case runs in about a
  // second instead of waiting out the 10 s defaults (which are asserted on their own).
  t = await startTestServer([{ name: 'identity', handler: 'base_handler' }], ['identity'], { httpLimits: SHORT_LIMITS });
  dir = await mkdtemp(join(tmpdir(), 'mlserve-hardening-'));
});
after(async () => {
  await t?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Resolves with the connect error code, or 'connected'. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

describe('secure defaults', () => {
  it('listens on 127.0.0.1 only unless an address is configured', async () => {
    const d = defaultOptions();
    for (const a of [d.inference, d.management, d.metrics]) assert.equal(a.host, '127.0.0.1');
    assert.equal(parseAddress(':9000', 'x').host, '127.0.0.1');
    assert.equal(d.tokenAuth, false); // local development; deployments turn it on (below)
    // The server's real sockets: reachable on loopback, refused on this machine's other addresses.
    const port = Number(new URL(t.I).port);
    assert.equal(await tryConnect('127.0.0.1', port), 'connected');
    const external = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external) assert.equal(await tryConnect(external.address, port), 'ECONNREFUSED');
  });

  it('renders Kubernetes objects whose Service exposes no management port and whose servers require a token', async () => {
    await writeFixtureArchives(dir);
    const planPath = await writeFixturePlan(dir, localPlan());
    const base = { planPath, runtime: 'kubernetes' as const, dryRun: true, namespace: 'models', templatesDir: TEMPLATES_DIR, dockerNetwork: 'bridge' as const, readyTimeoutMs: 10_000, logger: silentLogger };
    const load = async (out: string) => {
      const objs: Obj[] = [];
      for (const f of await readdir(join(out, 'kubernetes'))) yaml.loadAll(await readFile(join(out, 'kubernetes', f), 'utf8'), (d) => objs.push(d as Obj));
      return objs;
    };
    await deploy({ ...base, outDir: join(dir, 'k8s') });
    const objs = await load(join(dir, 'k8s'));
    const services = objs.filter((o) => o.kind === 'Service');
    assert.ok(services.length > 0);
    for (const s of services) assert.ok(!(s.spec.ports as Obj[]).some((p) => p.port === 8081 || p.targetPort === 8081 || p.name === 'management'), JSON.stringify(s.spec.ports));
    for (const d of objs.filter((o) => o.kind === 'Deployment')) {
      const c = d.spec.template.spec.containers[0] as Obj;
      const args = [...(c.command ?? []), ...(c.args ?? [])] as string[];
      assert.ok(args.includes('--token-auth'), args.join(' '));
      assert.equal(args[args.indexOf('--management-address') + 1], '127.0.0.1:8081');
      assert.ok(!(c.ports as Obj[]).some((p) => p.containerPort === 8081));
    }
    // Asked for: management on the Service, still behind the token.
    await deploy({ ...base, outDir: join(dir, 'k8s-open'), exposeManagement: true });
    const open = await load(join(dir, 'k8s-open'));
    assert.ok(open.filter((o) => o.kind === 'Service').every((s) => (s.spec.ports as Obj[]).some((p) => p.port === 8081)));
    for (const d of open.filter((o) => o.kind === 'Deployment')) assert.ok((d.spec.template.spec.containers[0].args as string[]).includes('--token-auth'));
  });

  it('renders Docker images that expose no management port, keep it on loopback and start serve with --token-auth', async () => {
    const dockerfile = await readFile(join(TEMPLATES_DIR, 'docker', 'Dockerfile.cpu'), 'utf8');
    const expose = /^EXPOSE (.*)$/m.exec(dockerfile)?.[1] ?? '';
    assert.ok(!expose.split(/\s+/).includes('8081'), expose);
    assert.match(dockerfile, /"--management-address", "127\.0\.0\.1:8081"/);
    // What the docker runtime adds to every container's serve command (runtime-docker.ts).
    assert.deepEqual(await containerServeFlags(), ['--token-auth']);
  });

  it('refuses to register from URLs or from paths outside the model store (CVE-2024-35198-style ".." included)', async () => {
    const urls = ['http://127.0.0.1:1/x.mar', 'https://example.com/m.mar', 'file:///etc/passwd', '../identity', '..%2Fidentity', 'identity/../identity', '/etc/passwd', 'x/../../identity'];
    for (const url of urls) {
      const r = await fetch(`${t.M}/models?url=${encodeURIComponent(url)}`, { method: 'POST' });
      const text = await r.text();
      assert.ok(r.status === 400 || r.status === 404, `${url}: ${r.status} ${text}`);
      assert.ok(isJsonError(text), text);
    }
    assert.deepEqual(t.server.registry.names(), ['identity']);
  });

  it('refuses bodies over max_request_size with 413 JSON, declared or chunked, and keeps serving', async () => {
    const limit = defaultOptions().maxRequestSize;
    assert.ok(limit >= 6_000_000, 'large enough for images by default');
    const declared = await rawRequest(t.I, httpBytes('POST', '/predictions/identity', '', { 'content-type': 'application/json' }, 1 << 30));
    assert.equal(declared.status, 413);
    assert.ok(isJsonError(declared.body));
    const chunk = Buffer.alloc(256 * 1024, 0x31);
    const parts = [Buffer.from('POST /predictions/identity HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\ncontent-type: application/json\r\n\r\n')];
    for (let i = 0; i < 32; i++) parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
    parts.push(Buffer.from('0\r\n\r\n'));
    const chunked = await rawRequest(t.I, Buffer.concat(parts));
    assert.equal(chunked.status, 413, `chunked: ${chunked.status} closed=${chunked.closed}`);
    assert.ok(isJsonError(chunked.body));
    assert.equal((await fetch(`${t.I}/ping`)).status, 200);
  });

  it('cuts off a slowloris client dripping its headers, and a silent one, while others are served', async (ctx) => {
    const d = defaultOptions().httpLimits;
    assert.ok(d.headersTimeoutMs <= 10_000 && d.firstByteTimeoutMs <= 10_000 && d.sweepIntervalMs <= 1_000, 'the defaults bound slow clients to ~10 s');
    const port = Number(new URL(t.I).port);
    const sock = connect(port, '127.0.0.1');
    const closed = new Promise<string>((resolve) => {
      let data = '';
      sock.on('data', (b: Buffer) => (data += b.toString()));
      sock.on('close', () => resolve(data));
      sock.on('error', () => {});
    });
    // And one that connects and says nothing at all (idle).
    const idle = connect(port, '127.0.0.1');
    idle.on('error', () => {});
    const idleClosed = new Promise<void>((resolve) => idle.on('close', () => resolve()));
    // One byte per 100 ms: 20 s of headers, where the limit allows 1 s.
    const head = 'POST /predictions/identity HTTP/1.1\r\nhost: x\r\nx-slow: ' + 'a'.repeat(150);
    let i = 0;
    const drip = setInterval(() => {
      if (i < head.length && !sock.destroyed) sock.write(head[i++]!);
    }, 100);
    // Served meanwhile.
    const ok = await fetch(`${t.I}/predictions/identity`, { method: 'POST', body: '[[1,2,3,4]]', headers: { 'content-type': 'application/json' } });
    assert.equal(ok.status, 200);
    const data = await closed;
    clearInterval(drip);
    ctx.diagnostic(`slowloris client cut off after ${i} of ${head.length} header bytes`);
    assert.ok(i < head.length, 'the server did not wait for the whole header');
    if (data) assert.match(data, /^HTTP\/1\.1 408 /);
    await idleClosed;
  });
});
