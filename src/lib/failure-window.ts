import { LRUCache } from 'lru-cache';

/**
 * Counts failures per key (a client address) in fixed windows: `max` failures within a
 * window block the key until the window ends. `max` 0 turns it off. Bounded: the least
 * recently failing keys are forgotten first, so a flood of addresses cannot grow memory.
 */
export function createFailureWindow(max: number, windowMs: number, keys = 10_000) {
  const windows = new LRUCache<string, { count: number; endsAt: number }>({ max: keys });
  const live = (key: string, now: number) => {
    const w = windows.get(key);
    return w && w.endsAt > now ? w : undefined;
  };
  return {
    record(key: string, now = Date.now()) {
      if (max <= 0) return;
      const w = live(key, now);
      if (w) w.count++;
      else windows.set(key, { count: 1, endsAt: now + windowMs });
    },
    /** Whole seconds until `key` may try again; 0 when it is not blocked. */
    blockedFor(key: string, now = Date.now()): number {
      if (max <= 0) return 0;
      const w = live(key, now);
      return w && w.count >= max ? Math.max(1, Math.ceil((w.endsAt - now) / 1000)) : 0;
    },
  };
}
