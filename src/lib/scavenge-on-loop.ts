import { setFlagsFromString } from 'node:v8';

// V8 collects the young generation (a scavenge) with helper threads by default, and the
// event loop waits for the slowest of them before it runs again. On a busy machine those
// helpers wait for a CPU, and the loop with them: during a worst save (1 MB of request,
// body and rendered HTML passing through the young generation) one scavenge was traced at
// 175 ms of pause for ~10 ms of this thread's CPU, the loop parked on a futex, and a probe
// answered in 185 ms. Scavenging on the loop alone costs a few milliseconds of CPU that the
// loop's own measurements see (20–55 ms traced on a loaded machine), and never waits on a
// thread the scheduler has not run. V8 reads this flag at every scavenge, so setting it
// after start-up takes effect for the next one.
let applied = false;

/** Makes every later young-generation collection run on the calling (main) thread only. */
export function scavengeOnLoop(): void {
  if (applied) return;
  setFlagsFromString('--no-parallel-scavenge');
  applied = true;
}
