// Success rate as concurrency rises to 1,000 connections (the curve MMS 1.0 published): one
// mlserve serve process with three models (identity, mlp, the OCR classifier as a CNN), closed-loop
// load with the loadtest engine at each concurrency step. A request either succeeds (200), is
// refused cleanly (503 JSON: job queue full), or fails otherwise (other statuses, timeouts,
// connection errors); the goal is that the server never hangs or dies, only refuses.
// Writes bench/results/success-rate.json.
// Usage: node dist/bench/success-rate.js [--seconds 10] [--steps 1,10,50,100,250,500,1000] [--timeout 10]
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../src/fs/atomic.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { runEngine } from '../src/loadtest/autocannon-engine.js';
import { startServe } from './serve-process.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, steps: { type: 'string', default: '1,10,50,100,250,500,1000' }, timeout: { type: 'string', default: '10' } },
});
const seconds = Number(values.seconds);
const steps = values.steps.split(',').map(Number);
const timeoutMs = Number(values.timeout) * 1000;

interface Step {
  connections: number;
  sent: number;
  ok: number;
  refused503: number;
  otherErrors: number;
  timeouts: number;
  connectionErrors: number;
  successRate: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

const q = (sorted: number[], p: number) => Number((sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN).toFixed(2));

async function main(): Promise<void> {
  const server = await startServe();
  const out: Step[] = [];
  let alive = true;
  try {
    for (const connections of steps) {
      const lat: number[] = [];
      const s = { ok: 0, refused503: 0, otherErrors: 0, timeouts: 0, connectionErrors: 0 };
      await runEngine(
        { origin: server.inference, connections, durationMs: seconds * 1000, timeoutMs, requests: server.requests },
        {
          response: (_m, status, ms) => {
            if (status === 200) {
              s.ok++;
              lat.push(ms);
            } else if (status === 503) s.refused503++;
            else s.otherErrors++;
          },
          timeout: () => s.timeouts++,
          connectionError: () => s.connectionErrors++,
        },
      );
      lat.sort((a, b) => a - b);
      const sent = s.ok + s.refused503 + s.otherErrors + s.timeouts + s.connectionErrors;
      const step = { connections, sent, ...s, successRate: Number((s.ok / Math.max(1, sent)).toFixed(4)), rps: Math.round(s.ok / seconds), p50Ms: q(lat, 50), p99Ms: q(lat, 99) };
      out.push(step);
      console.log(`${String(connections).padStart(5)} connections: success ${(step.successRate * 100).toFixed(2)}%  ok ${s.ok}  refused (503) ${s.refused503}  other errors ${s.otherErrors}  timeouts ${s.timeouts}  conn errors ${s.connectionErrors}  ${step.rps} req/s  p50 ${step.p50Ms} ms  p99 ${step.p99Ms} ms`);
      alive = (await fetch(`${server.inference}/ping`).catch(() => null))?.status === 200;
      if (!alive) {
        console.log('the server stopped answering /ping: stopping');
        break;
      }
    }
  } finally {
    await server.stop();
  }
  const env = { cpus: cpus().length, loadavg: loadavg(), note: 'shared machine: other jobs were running' };
  console.log(`${seconds} s per step, ${env.cpus} CPUs, load average ${env.loadavg[0]!.toFixed(2)} (shared machine); server alive at the end: ${alive}`);
  await writeFileAtomic(join(PACKAGE_ROOT, 'bench', 'results', 'success-rate.json'), `${JSON.stringify({ date: new Date().toISOString(), seconds, timeoutMs, models: ['identity', 'mlp', 'ocr'], env, serverAlive: alive, steps: out }, null, 2)}\n`);
}

await main();
