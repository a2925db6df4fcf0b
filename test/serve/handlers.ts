// JavaScript handlers shipped inside the test archives (TorchServe's handler contract).

/** Reports the batch each request was part of: proves the frontend forms batches. */
export const BATCH_PROBE = `
let initialized = false;
export function initialize(ctx) { initialized = ctx.session !== undefined; }
export async function handle(requests, ctx) {
  // stand-in for a model that takes a while ("slow…" bodies: long enough to be caught in flight)
  await new Promise((r) => setTimeout(r, requests.some((r) => r.body.toString().startsWith('slow')) ? 2000 : 30));
  return requests.map((r) => ({ batch: requests.length, initialized, pid: process.pid, echo: r.body.toString() }));
}
`;

/** preprocess / inference / postprocess on the real session; "boom" throws, "exit" kills the worker, "hang" never answers. */
export const STAGED = `
export function preprocess(requests) {
  for (const r of requests) {
    const text = r.body.toString();
    if (text === 'boom') throw new Error('boom requested');
    if (text === 'exit') process.exit(3);
    if (text === 'hang') for (;;) {}
  }
  const rows = requests.map((r) => JSON.parse(r.body.toString()));
  return { input: { type: 'float32', data: Float32Array.from(rows.flat()), dims: [rows.length, 4] } };
}
export function postprocess(out) {
  const t = out.output;
  const rows = [];
  for (let i = 0; i < t.dims[0]; i++) rows.push({ sum: Array.from(t.data.subarray(i * 4, i * 4 + 4)).reduce((a, b) => a + b, 0) });
  return rows;
}
`;
