import { readFileSync } from 'node:fs';

// How long this thread has waited for a CPU while it had work to do: on a shared machine,
// the part of a latency that other processes caused. Linux reports it per thread in
// /proc/thread-self/schedstat (ns on CPU, ns waiting on a run queue, time slices). It must be
// read synchronously: an asynchronous read runs on a libuv thread and reports that thread.

const SCHEDSTAT = '/proc/thread-self/schedstat';
const supported = (() => {
  try {
    readFileSync(SCHEDSTAT, 'utf8');
    return true;
  } catch {
    return false;
  }
})();

/** Milliseconds this thread has spent runnable but not running; 0 where the OS does not say. */
export function runQueueWaitMs(): number {
  if (!supported) return 0;
  return Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[1]) / 1e6;
}

/**
 * Milliseconds this thread has spent on a CPU. A probe's own time (measured less run-queue
 * wait) minus this is time the event loop spent blocked off the CPU — on a lock, a thread
 * join, a disk — rather than working: a report that splits the two names the kind of cause.
 */
export function onCpuMs(): number {
  if (!supported) return 0;
  return Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6;
}

/**
 * Watches the event loop the way monitorEventLoopDelay does (a timer that should fire every
 * `intervalMs`), and also reports each delay less the run-queue wait inside it: how long
 * the loop itself was busy or blocked, whatever else the machine was doing.
 */
export function watchEventLoop(intervalMs = 10) {
  let last = performance.now();
  let lastWait = runQueueWaitMs();
  let ms = 0;
  let ownMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const wait = runQueueWaitMs();
    const late = now - last - intervalMs;
    ms = Math.max(ms, late);
    ownMs = Math.max(ownMs, late - (wait - lastWait));
    last = now;
    lastWait = wait;
  }, intervalMs);
  return {
    /** The longest delay seen, as measured (`ms`) and less run-queue wait (`ownMs`). */
    stop() {
      clearInterval(timer);
      return { ms, ownMs };
    },
  };
}
