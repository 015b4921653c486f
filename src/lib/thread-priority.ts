import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the scheduling priority of the calling thread (Linux nice value; elsewhere a no-op).
 *
 * Background threads — reader/render pool, WAL checkpoints — can each burn a core for seconds
 * on a worst-case query or body. On a two-core machine they then compete for CPU with the
 * event loop and with V8's own helper threads, which the loop waits for during a garbage
 * collection: a probe was seen parked 100–150 ms on such a wait while using 10 ms of CPU.
 * At nice 10 a background thread gets about a tenth of a contended core, so the threads that
 * answer requests win and the background work uses what is left. Linux applies nice per
 * thread: `/proc/thread-self` names this thread's id, which setpriority() accepts.
 */
export function lowerThreadPriority(nice: number): void {
  if (process.platform !== 'linux' || nice <= 0) return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // No /proc or not permitted: the thread keeps the default priority, which is only slower.
  }
}
