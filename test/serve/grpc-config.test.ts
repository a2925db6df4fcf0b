// gRPC settings: the command line's TorchServe defaults (7070/7071) and --no-grpc, TorchServe's
// config.properties keys, enable_grpc_ssl refused without PEM files and served with them, and a
// gRPC port already in use refused with its code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { silentLogger } from '../../src/log.js';
import { applyConfigFile, defaultOptions } from '../../src/serve/config.js';
import { resolveServeOptions } from '../../src/serve/run.js';
import { startServer } from '../../src/serve/server.js';
import { runCli } from '../helpers/cli.js';
import { testServerOptions } from './density-store.js';
import { grpcClients, grpcFailure } from './grpc-client.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlserve-grpc-config-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fromFile(text: string) {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.properties`);
  await writeFile(file, text);
  const opts = defaultOptions();
  await applyConfigFile(opts, file, silentLogger);
  return opts;
}

describe('gRPC settings', () => {
  it('the command starts gRPC on TorchServe\'s 7070/7071 unless told otherwise; the library only when asked', async () => {
    assert.equal(defaultOptions().grpcInference, undefined);
    const o = await resolveServeOptions({ snapshot: false }, silentLogger);
    assert.deepEqual([o.grpcInference, o.grpcManagement], [{ host: '127.0.0.1', port: 7070 }, { host: '127.0.0.1', port: 7071 }]);
    const off = await resolveServeOptions({ snapshot: false, grpc: false, grpcInferenceAddress: ':9' }, silentLogger);
    assert.deepEqual([off.grpcInference, off.grpcManagement], [undefined, undefined]);
    const moved = await resolveServeOptions({ snapshot: false, grpcInferenceAddress: '0.0.0.0:9090' }, silentLogger);
    assert.deepEqual(moved.grpcInference, { host: '0.0.0.0', port: 9090 });
  });

  it('reads grpc_inference_port, grpc_management_port and the address keys', async () => {
    const o = await fromFile('grpc_inference_port=9000\ngrpc_management_address=0.0.0.0\n');
    assert.deepEqual(o.grpcInference, { host: '127.0.0.1', port: 9000 });
    assert.deepEqual(o.grpcManagement, { host: '0.0.0.0', port: 7071 });
    await assert.rejects(fromFile('grpc_inference_port=seventy\n'), { code: 'MLS_ERR_SERVE_CONFIG' });
    await assert.rejects(fromFile('grpc_management_port=70000\n'), { code: 'MLS_ERR_SERVE_CONFIG' });
  });

  it('refuses enable_grpc_ssl without certificate_file and private_key_file', async () => {
    await assert.rejects(fromFile('enable_grpc_ssl=true\n'), { code: 'MLS_ERR_SERVE_CONFIG' });
    await assert.rejects(fromFile('enable_grpc_ssl=true\ncertificate_file=/c.pem\nkeystore=ks.p12\n'), { code: 'MLS_ERR_SERVE_CONFIG' });
    const o = await fromFile('enable_grpc_ssl=true\ncertificate_file=/c.pem\nprivate_key_file=/k.pem\n');
    assert.deepEqual(o.grpcTls, { certFile: '/c.pem', keyFile: '/k.pem' });
  });

  it('serves gRPC over TLS with the PEM files, and a plain client cannot talk to it', async (t) => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    } catch {
      return t.skip('openssl is not installed');
    }
    const s = await startServer(testServerOptions(dir, { models: [], grpcInference: { host: '127.0.0.1', port: 0 }, grpcTls: { certFile: cert, keyFile: key } }), silentLogger);
    const tls = grpcClients(s.grpcInference!, undefined, credentials.createSsl(await readFile(cert)));
    const plain = grpcClients(s.grpcInference!);
    try {
      assert.deepEqual(await tls.kserve('ServerLive', {}), { live: true });
      assert.ok((await grpcFailure(plain.kserve('ServerLive', {}, { deadlineMs: 3000 }))).code > 0);
    } finally {
      tls.close();
      plain.close();
      await s.close();
    }
  });

  it('refuses to start when a gRPC port is taken (MLS_ERR_SERVE_PORT_IN_USE), as TorchServe does', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    const r = await runCli(['serve', '--model-store', dir, '--inference-address', '127.0.0.1:0', '--management-address', '127.0.0.1:0', '--metrics-address', '127.0.0.1:0',
      '--grpc-inference-address', `127.0.0.1:${port}`, '--grpc-management-address', '127.0.0.1:0', '--pid-file', join(dir, 'g.pid'), '--no-snapshot', '--json']);
    busy.close();
    assert.equal(r.code, 5, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'MLS_ERR_SERVE_PORT_IN_USE');
  });
});
