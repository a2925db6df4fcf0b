// TorchServe behaviour where users see it (issue 19): its default frontend metrics and the
// management API's parameter rules. Each test names the TorchServe code whose behaviour it matches.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { rm } from 'node:fs/promises';
import { ensureFixtureModels } from '../../fixtures/index.js';
import { memoryLogger, silentLogger } from '../../src/log.js';
import { startServer, type ServeHandle } from '../../src/serve/server.js';
import { TsMetricsLog } from '../../src/serve/http/ts-metrics-log.js';
import { metricValue, scrape, testServerOptions } from './density-store.js';
import { addFolderArchive, tempStore } from './store.js';
import { FakeClock } from '../helpers/fake-clock.js';

let server: ServeHandle;
let store: string;
const H = hostname();

async function mgmt(method: string, path: string, body?: unknown) {
  const init: RequestInit = { method };
  if (body !== undefined) Object.assign(init, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const res = await fetch(server.management + path, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & Array<Record<string, unknown>> };
}

function predict(path: string, body = '[[1,2,3,4]]') {
  return fetch(server.inference + path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
}

before(async () => {
  const fx = await ensureFixtureModels();
  store = await tempStore();
  await addFolderArchive(store, { name: 'identity', model: fx.identity, handler: 'base_handler' });
  await addFolderArchive(store, { name: 'spare', model: fx.identity, handler: 'base_handler' });
  await addFolderArchive(store, { name: 'det', model: fx.identity, handler: 'object_detector' });
  await addFolderArchive(store, { name: 'sized', model: fx.identity, handler: 'base_handler', config: 'minWorkers: 1\nmaxWorkers: 2\n' });
  // A folder named like an archive: what a URL ending in exists.mar would be downloaded to.
  await addFolderArchive(store, { name: 'exists', dirName: 'exists.mar', model: fx.identity, handler: 'base_handler' });
  server = await startServer(
    testServerOptions(store, { models: ['identity'], allowedUrls: [/^http:\/\/127\.0\.0\.1:9\/.*$/] }),
    silentLogger,
  );
});

after(async () => {
  await server?.close();
  await rm(store, { recursive: true, force: true });
});

describe("TorchServe's default metrics (ts/configs/metrics.yaml)", () => {
  it('counts answers of every listener in Requests2XX/4XX/5XX{Level="Host",Hostname} (NettyUtils.sendHttpResponse)', async () => {
    const host = { Level: 'Host', Hostname: H };
    const before = await scrape(server.metrics);
    assert.equal((await predict('/predictions/identity')).status, 200);
    assert.equal((await predict('/predictions/nope')).status, 404);
    assert.equal((await mgmt('GET', '/models')).status, 200);
    assert.equal((await mgmt('GET', '/models/nope')).status, 404);
    const after = await scrape(server.metrics);
    // The first scrape's own answer counts too, as TorchServe's does.
    assert.equal(metricValue(after, 'Requests2XX', host) - metricValue(before, 'Requests2XX', host), 3);
    assert.equal(metricValue(after, 'Requests4XX', host) - (metricValue(before, 'Requests4XX', host) || 0), 2);
    assert.match(after, /# HELP Requests2XX Torchserve prometheus counter metric with unit: Count/);
    assert.match(after, /# TYPE QueueTime gauge/);
  });

  it('labels ts_* by model_name, model_version ("default" when the request names none) and hostname (InferenceRequestHandler, RestJob)', async () => {
    const before = await scrape(server.metrics);
    const plain = { model_name: 'identity', model_version: 'default', hostname: H };
    const named = { model_name: 'identity', model_version: '1.0', hostname: H };
    const b = metricValue(before, 'ts_inference_requests_total', plain) || 0;
    const bn = metricValue(before, 'ts_inference_requests_total', named) || 0;
    for (let i = 0; i < 3; i++) assert.equal((await predict('/predictions/identity')).status, 200);
    assert.equal((await predict('/predictions/identity/1.0')).status, 200);
    const after = await scrape(server.metrics);
    assert.equal(metricValue(after, 'ts_inference_requests_total', plain) - b, 3);
    assert.equal(metricValue(after, 'ts_inference_requests_total', named) - bn, 1);
    // Arrival to answer includes the queue wait (RestJob: System.nanoTime() - getBegin()).
    assert.ok(metricValue(after, 'ts_inference_latency_microseconds', plain) >= metricValue(after, 'ts_queue_latency_microseconds', plain));
    assert.ok(metricValue(after, 'ts_inference_latency_microseconds', named) > 0);
    assert.match(after, new RegExp(`ts_inference_requests_total\\{model_name="identity",model_version="default",hostname="${H}"\\} \\d+`));
  });

  it('has the QueueTime, WorkerThreadTime and WorkerLoadTime gauges with their labels (RestJob, WorkerThread)', async () => {
    assert.equal((await predict('/predictions/identity')).status, 200);
    const text = await scrape(server.metrics);
    assert.ok(metricValue(text, 'QueueTime', { Level: 'Host', Hostname: H }) >= 0);
    assert.ok(metricValue(text, 'WorkerThreadTime', { Level: 'Host', Hostname: H }) >= 0);
    const load = new RegExp(`WorkerLoadTime\\{WorkerName="W-\\d+-identity_1\\.0",Level="Host",Hostname="${H}"\\} (\\d+)`).exec(text);
    assert.ok(load && Number(load[1]) > 0, 'a worker load took some milliseconds');
  });

  /** One prediction on a fresh server in `mode`; its /metrics text then, and its log lines once closed (the last lines are written on close). */
  async function oneRequestIn(mode: 'log' | 'legacy'): Promise<{ text: string; lines: string[] }> {
    const log = memoryLogger();
    const s = await startServer(testServerOptions(store, { models: ['identity'], metricsMode: mode }), log);
    let text: string;
    try {
      const r = await fetch(`${s.inference}/predictions/identity`, { method: 'POST', body: '[[1,2,3,4]]', headers: { 'content-type': 'application/json' } });
      assert.equal(r.status, 200);
      text = await scrape(s.metrics);
    } finally {
      await s.close();
    }
    return { text, lines: log.lines.map((l) => l.replace(/^info: /, '')) };
  }

  it('metrics_mode=log writes TorchServe log lines and leaves them off /metrics (LogMetric)', async () => {
    const { text, lines } = await oneRequestIn('log');
    assert.doesNotMatch(text, /Requests2XX|ts_inference_requests_total/);
    assert.match(text, /mlserve_inference_requests_total/, "mlserve's own families stay");
    assert.ok(lines.includes(`Requests2XX.Count:2.0|#Level:Host|#hostname:${H},timestamp:${lines.find((l) => l.startsWith('Requests2XX'))!.split('timestamp:')[1]}`), lines.join('\n'));
    assert.ok(lines.some((l) => /^ts_inference_requests_total\.Count:1\.0\|#model_name:identity,model_version:default\|#hostname:[^,]+,timestamp:\d+$/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^WorkerLoadTime\.Milliseconds:\d+\.0\|#WorkerName:W-\d+-identity_1\.0,Level:Host\|#hostname:/.test(l)));
  });

  it("metrics_mode=legacy serves the three ts_* families and logs the others (TorchServe's legacy mode)", async () => {
    const { text, lines } = await oneRequestIn('legacy');
    assert.equal(metricValue(text, 'ts_inference_requests_total', { model_name: 'identity', model_version: 'default' }), 1);
    assert.doesNotMatch(text, /Requests2XX|QueueTime/);
    assert.ok(lines.some((l) => l.startsWith('Requests2XX.Count:')));
    assert.ok(!lines.some((l) => l.includes('ts_inference_requests_total.Count')));
  });

  it('log mode writes a counter\'s increase since its last line, a gauge only when it changed', () => {
    let n = 5;
    const reg = { host: { requests2xx: 0, requests4xx: 0, requests5xx: 0, queueTimeMs: NaN, workerThreadTimeMs: 2 }, names: () => [] } as unknown as ServeHandle['registry'];
    const m = new TsMetricsLog(reg, () => {}, { hostname: 'box', clock: new FakeClock(0, 1_733_000_000_000) });
    (reg.host as { requests2xx: number }).requests2xx = n;
    assert.deepEqual(m.flush(), ['Requests2XX.Count:5.0|#Level:Host|#hostname:box,timestamp:1733000000', 'WorkerThreadTime.Milliseconds:2.0|#Level:Host|#hostname:box,timestamp:1733000000']);
    assert.deepEqual(m.flush(), []);
    n += 2;
    (reg.host as { requests2xx: number }).requests2xx = n;
    (reg.host as { workerThreadTimeMs: number }).workerThreadTimeMs = 0.5;
    assert.deepEqual(m.flush(), ['Requests2XX.Count:2.0|#Level:Host|#hostname:box,timestamp:1733000000', 'WorkerThreadTime.Milliseconds:0.5|#Level:Host|#hostname:box,timestamp:1733000000']);
  });

  it('log mode writes every metrics_log interval on its clock, stamped with the clock\'s epoch time, and once more when stopped', () => {
    const reg = { host: { requests2xx: 0, requests4xx: 0, requests5xx: 0, queueTimeMs: NaN, workerThreadTimeMs: NaN }, names: () => [] } as unknown as ServeHandle['registry'];
    const count = (k: number) => ((reg.host as { requests2xx: number }).requests2xx += k);
    const clock = new FakeClock(0, 1_733_000_000_000);
    const lines: string[] = [];
    const m = new TsMetricsLog(reg, (l) => lines.push(l), { hostname: 'box', clock });
    m.start(60_000);
    count(1);
    clock.advance(59_999);
    assert.deepEqual(lines, [], 'nothing before the interval');
    clock.advance(1);
    assert.deepEqual(lines, ['Requests2XX.Count:1.0|#Level:Host|#hostname:box,timestamp:1733000060']);
    count(3);
    clock.advance(60_000);
    assert.deepEqual(lines.slice(1), ['Requests2XX.Count:3.0|#Level:Host|#hostname:box,timestamp:1733000120']);
    count(2);
    m.stop();
    assert.deepEqual(lines.slice(2), ['Requests2XX.Count:2.0|#Level:Host|#hostname:box,timestamp:1733000120'], 'stop writes what the last interval had not');
    assert.equal(clock.pending, 0, 'and leaves no timer');
  });
});

describe("the management API's parameters as TorchServe reads them", () => {
  it('falls back to defaults for integer parameters that are not integers (NettyUtils.getIntParameter)', async () => {
    const r = await mgmt('POST', '/models?url=spare&model_name=lenient&batch_size=abc&max_batch_delay=1.5&initial_workers=x&response_timeout=');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.match(String(r.body.status), /registered with 0 initial workers/);
    const d = (await mgmt('GET', '/models/lenient')).body[0]!;
    assert.deepEqual([d.batchSize, d.maxBatchDelay, d.responseTimeout, d.minWorkers], [1, 100, 120, 0]);
    // min_worker=abc is 1, TorchServe's default for scaling.
    const s = await mgmt('PUT', '/models/lenient?min_worker=abc&synchronous=true');
    assert.equal(s.status, 200);
    assert.equal(s.body.status, 'Workers scaled to 1 for model: lenient');
    assert.equal((await mgmt('DELETE', '/models/lenient')).status, 200);
  });

  it('takes startup_timeout per registration; 0 fails the registration (ApiUtils.registerModel, WorkerThread)', async () => {
    const ok = await mgmt('POST', '/models?url=spare&model_name=patient&startup_timeout=7');
    assert.equal(ok.status, 200);
    assert.equal((await mgmt('GET', '/models/patient')).body[0]!.startupTimeout, 7);
    assert.equal((await mgmt('DELETE', '/models/patient')).status, 200);
    const zero = await mgmt('POST', '/models?url=spare&model_name=hasty&startup_timeout=0&initial_workers=1');
    assert.equal(zero.status, 500);
    assert.equal(zero.body.type, 'InternalServerException');
    assert.match(String(zero.body.message), /^Failed to start workers for model hasty version: 1\.0/);
    assert.equal((await mgmt('GET', '/models/hasty')).status, 404, 'a failed registration leaves nothing registered');
  });

  it('validates runtime: 400 "Invalid RuntimeType value" (Manifest.RuntimeType.fromValue); a valid one is described', async () => {
    const bad = await mgmt('POST', '/models?url=spare&runtime=InvalidRuntime');
    assert.deepEqual(bad.body, { code: 400, type: 'BadRequestException', message: 'Invalid RuntimeType value: InvalidRuntime' });
    assert.equal((await mgmt('POST', '/models?url=spare&model_name=py3&runtime=python3')).status, 200);
    assert.equal((await mgmt('GET', '/models/py3')).body[0]!.runtime, 'python3');
    assert.equal((await mgmt('DELETE', '/models/py3')).status, 200);
  });

  it('answers a missing url 400, an empty one 404 "empty url" (ApiUtils, ModelArchive.downloadModel)', async () => {
    assert.deepEqual((await mgmt('POST', '/models')).body, { code: 400, type: 'BadRequestException', message: 'Parameter url is required.' });
    assert.deepEqual((await mgmt('POST', '/models?url=')).body, { code: 404, type: 'ModelNotFoundException', message: 'empty url' });
    assert.equal((await mgmt('POST', '/models', { url: '' })).status, 404);
  });

  it('answers 500 "Model file already exists" for a URL whose archive is in the store (ApiUtils.handleRegister)', async () => {
    const r = await mgmt('POST', `/models?url=${encodeURIComponent('http://127.0.0.1:9/models/exists.mar')}`);
    assert.deepEqual(r.body, { code: 500, type: 'InternalServerException', message: 'Model file already exists exists.mar' });
  });

  it('keeps clean 400s where TorchServe fails by accident (README: "Deliberate differences")', async () => {
    // Gson cannot read "abc" as an int: a JsonSyntaxException, 500 in TorchServe.
    const json = await mgmt('POST', '/models', { url: 'spare', batch_size: 'abc' });
    assert.equal(json.status, 400);
    assert.equal(json.body.type, 'BadRequestException');
    // batch_size=0 registers a model that never answers in TorchServe; response_timeout=0 kills every worker.
    assert.equal((await mgmt('POST', '/models?url=spare&batch_size=0')).status, 400);
    assert.equal((await mgmt('POST', '/models?url=spare&response_timeout=0')).status, 400);
    // A built-in handler mlserve does not run over ONNX: 400 at registration, not a worker failing (500).
    const det = await mgmt('POST', '/models?url=det');
    assert.equal(det.status, 400);
    assert.equal(det.body.type, 'InvalidModelException');
    assert.match(String(det.body.message), /object_detector/);
  });

  it("lets model-config.yaml's minWorkers/maxWorkers win over initial_workers (ApiUtils.handleRegister)", async () => {
    const r = await mgmt('POST', '/models?url=sized&initial_workers=0');
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'Model "sized" Version: 1.0 registered with 1 initial workers');
    const d = (await mgmt('GET', '/models/sized')).body[0]!;
    assert.deepEqual([d.minWorkers, d.maxWorkers], [1, 2]);
    assert.equal((await mgmt('DELETE', '/models/sized')).status, 200);
  });

  it('answers set-default with TorchServe\'s current message (ApiUtils.setDefault)', async () => {
    const r = await mgmt('PUT', '/models/identity/1.0/set-default');
    assert.deepEqual(r.body, { status: 'Default version successfully updated for model "identity" to "1.0"' });
  });
});
