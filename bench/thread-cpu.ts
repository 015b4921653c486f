// CPU time of each thread of a process (Linux /proc), so W8 can say what an imported article
// cost the event loop (the writer) and the other threads (the pool's renderers, GC, libuv).
// On a shared machine rates move with the neighbours; CPU per article moves far less.
import { readdirSync, readFileSync } from 'node:fs';

/** ms of user + system CPU in a /proc `stat` file (100 ticks a second); throws if it is gone. */
export function statCpuMs(file: string): number {
  const stat = readFileSync(file, 'utf8');
  // After the command name in parentheses (which may hold spaces), utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** ms of user + system CPU per thread id (100 ticks a second); empty where /proc is absent. */
export function threadCpuMs(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      out.set(Number(tid), statCpuMs(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // The thread ended between the listing and the read (an idle pool thread stopping).
    }
  }
  return out;
}

/**
 * CPU spent between two samples: the main thread (whose id is the pid) and all others.
 * A thread that ended in between takes its CPU with it, so `others` is a floor.
 */
export function cpuBetween(pid: number, before: Map<number, number>, after: Map<number, number>) {
  let others = 0;
  for (const [tid, ms] of after) if (tid !== pid) others += ms - (before.get(tid) ?? 0);
  return { mainMs: (after.get(pid) ?? 0) - (before.get(pid) ?? 0), othersMs: others };
}
