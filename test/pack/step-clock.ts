// A clock for the searches' `now` option that advances one tick each time it is read: a deadline
// on it is a budget of search steps, the same on an idle machine and on a loaded one, so a test
// asserts what the search finds, never how fast the machine ran it.
export function stepClock(): () => number {
  let ticks = 0;
  return () => ticks++;
}
