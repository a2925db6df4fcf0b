// The best plan's cost, shared between the main thread and the solver worker. glpk.js blocks the
// worker's event loop for seconds at a time, so a message would arrive too late: the worker reads
// this cell between (and, through its callbacks, during) its LPs and MIPs instead.

/** A cell holding "no plan yet". */
export function incumbentCell(): SharedArrayBuffer {
  const cell = new SharedArrayBuffer(4);
  Atomics.store(new Int32Array(cell), 0, 2 ** 31 - 1);
  return cell;
}

/** Records a cost (thousandths: prices in $/h and counts alike are exact at that grain). */
export function shareIncumbent(cell: SharedArrayBuffer, cost: number): void {
  Atomics.store(new Int32Array(cell), 0, Math.round(cost * 1000));
}

export function readIncumbent(cell: SharedArrayBuffer): number {
  return Atomics.load(new Int32Array(cell), 0) / 1000;
}
