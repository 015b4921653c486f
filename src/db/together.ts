/**
 * A unit of work's steps that need nothing from each other, run together: on PostgreSQL their
 * statements go out pipelined, one round trip for all (see postgres.ts); the server still runs
 * them in the order given. Unlike Promise.all, every step is waited for before the first
 * error, in the order given, is thrown: a step still running could otherwise send a statement
 * after the unit ended, on a connection already handed to another unit of work. The order
 * also makes the error the one the steps would have met one after another (a lock that timed
 * out, not the aborted transaction the statement behind it then met).
 */
export async function together<T extends readonly unknown[] | []>(steps: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results: PromiseSettledResult<unknown>[] = await Promise.allSettled(steps as readonly unknown[]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
