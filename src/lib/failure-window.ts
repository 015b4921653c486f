import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/**
 * Counts failures per key (a client address) in fixed windows: `max` failures within a
 * window block the key until the window ends. `max` 0 turns it off.
 */
export type FailureWindow = {
  record(key: string): void;
  /** Whole seconds until `key` may try again; 0 when it is not blocked. A number when known at once. */
  blockedFor(key: string): number | Promise<number>;
};

/**
 * In this process. Bounded: the least recently failing keys are forgotten first, so a flood
 * of addresses cannot grow memory.
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
    blockedFor(key: string, now = Date.now()): number {
      if (max <= 0) return 0;
      const w = live(key, now);
      return w && w.count >= max ? Math.max(1, Math.ceil((w.endsAt - now) / 1000)) : 0;
    },
  } satisfies FailureWindow;
}

// One key per address that expires with its window: the first failure starts the window.
const RECORD = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;
const BLOCKED = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n < tonumber(ARGV[1]) then return 0 end
return redis.call('PTTL', KEYS[1])`;

/**
 * The same windows in Redis, shared by every instance that uses it. Redis bounds memory by
 * expiry. While Redis is unreachable nothing is blocked (`onError` hears why): a limiter
 * outage must not lock every client out.
 */
export function createRedisFailureWindow(redis: Redis, max: number, windowMs: number, onError: (err: unknown) => void): FailureWindow {
  const keyOf = (key: string) => `auth-failures:${key}`;
  return {
    record(key) {
      if (max <= 0) return;
      redis.eval(RECORD, 1, keyOf(key), windowMs).catch(onError);
    },
    async blockedFor(key) {
      if (max <= 0) return 0;
      try {
        const ms = Number(await redis.eval(BLOCKED, 1, keyOf(key), max));
        return ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : 0;
      } catch (err) {
        onError(err);
        return 0;
      }
    },
  };
}
