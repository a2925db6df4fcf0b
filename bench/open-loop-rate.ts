// Does the open-loop scheduler (src/loadtest/open-loop.ts, used by `loadtest --verify`) hold its
// rate on this machine? Against a node:http server answering at once (in a child process, so the
// generator has its own event loop), it schedules R requests/s for a few seconds and reports the
// achieved send rate (requests sent / window), how late sends were (p99 and max send lag), and
// latency from the scheduled time. Side by side: the same rates at 1 and 4 targets.
// Usage: node dist/bench/open-loop-rate.js [seconds=3]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadavg, cpus } from 'node:os';
import { runOpenLoop } from '../src/loadtest/open-loop.js';
import { modelRequest } from '../src/loadtest/targets.js';
import { EMPTY_PAYLOAD } from '../src/loadtest/payloads.js';

if (process.argv[2] === '--server') {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('{}'));
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as AddressInfo).port));
} else {
  const seconds = Number(process.argv[2] ?? 3);
  const child = fork(fileURLToPath(import.meta.url), ['--server'], { execArgv: process.execArgv });
  const port = await new Promise<number>((r) => child.once('message', (m) => r(m as number)));
  const url = `http://127.0.0.1:${port}`;
  console.log(`open-loop scheduler, ${seconds}s per run, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}`);
  console.log('targets  rate/target  sent/s (of planned)  p99 send lag ms  max lag ms  p50 ms  p99 ms');
  for (const targets of [1, 4]) {
    for (const rate of [100, 500, 1000, 2000]) {
      const t = Array.from({ length: targets }, (_, i) => ({ key: `m${i}`, request: modelRequest({ model: `m${i}`, inference: url, predictUrl: `${url}/predictions/m${i}` }, EMPTY_PAYLOAD), rate }));
      const stats = await runOpenLoop({ targets: t, durationMs: seconds * 1000, warmupMs: 500, timeoutMs: 10_000 });
      const sent = stats.reduce((a, s) => a + s.scheduled - s.unsent, 0) / seconds;
      const lag = Math.max(...stats.map((s) => s.sendLagMs.p99));
      const maxLag = Math.max(...stats.map((s) => s.sendLagMs.max));
      const p50 = Math.max(...stats.map((s) => s.latencyMs.p50));
      const p99 = Math.max(...stats.map((s) => s.latencyMs.p99));
      const planned = rate * targets;
      console.log(
        `${String(targets).padStart(7)}  ${String(rate).padStart(11)}  ${sent.toFixed(0).padStart(7)} (${((sent / planned) * 100).toFixed(1)}%)      ` +
          `${lag.toFixed(2).padStart(15)}  ${maxLag.toFixed(1).padStart(10)}  ${p50.toFixed(2).padStart(6)}  ${p99.toFixed(2).padStart(6)}`,
      );
    }
  }
  child.kill();
}
