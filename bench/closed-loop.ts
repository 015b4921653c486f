/**
 * `concurrency` callers each running `op` back to back until `seconds` have passed (a closed
 * loop: a new call starts only when one ends). Returns how many calls ended and the time taken.
 */
export async function closedLoop(seconds: number, concurrency: number, op: () => Promise<unknown>): Promise<{ requests: number; seconds: number }> {
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await op();
        done++;
      }
    }),
  );
  return { requests: done, seconds: (performance.now() - t0) / 1000 };
}
