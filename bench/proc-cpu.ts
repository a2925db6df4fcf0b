// CPU time of other processes, read from /proc (Linux): the benches' CPU-per-request figures for
// the server's frontend and worker processes, which a busy shared machine distorts less than req/s.
import { readdir, readFile } from 'node:fs/promises';

/** utime + stime of a process in µs (clock ticks of 10 ms: Linux's USER_HZ is 100); 0 when it is gone. */
export async function procCpuUs(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11] ?? 0) + Number(f[12] ?? 0)) * 10_000;
}

/** The pids whose parent is `pid`. */
export async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const d of await readdir('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const text = await readFile(`/proc/${d}/stat`, 'utf8').catch(() => '');
    if (Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
  }
  return out;
}

/** CPU µs of a set of processes and of this one (the load generator), between start() and stop(). */
export function cpuMeter(pids: number[]): { start(): Promise<void>; stop(requests: number): Promise<{ servers: number[]; loadgen: number }> } {
  let before: number[] = [];
  let self0 = process.cpuUsage();
  const read = () => Promise.all(pids.map(procCpuUs));
  const per = (us: number, n: number) => Number((us / Math.max(1, n)).toFixed(1));
  return {
    async start() {
      before = await read();
      self0 = process.cpuUsage();
    },
    async stop(requests) {
      const self = process.cpuUsage(self0);
      const after = await read();
      return { servers: after.map((a, i) => per(a - before[i]!, requests)), loadgen: per(self.user + self.system, requests) };
    },
  };
}
