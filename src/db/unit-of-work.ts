import { AsyncLocalStorage } from 'node:async_hooks';
import { E_TIMEOUT, Mutex, withTimeout } from 'async-mutex';
import { AppError } from '../errors.js';

/**
 * One level of a unit of work: hooks wait here until it is known whether the level commits.
 * `flat`: nested units join this one without a savepoint (see WriteOptions).
 */
export type Frame = { depth: number; hooks: (() => void)[]; flat?: boolean };

export type WriteOptions = {
  /**
   * Nested units open no savepoint: for many small units committed together (a bulk
   * import's slice). A savepoint is not free: SQLite's search index (FTS5) writes what it
   * has pending as a new segment at each one, so a savepoint per article means a segment
   * per article and constant merging. The price: a nested unit that fails cannot roll back
   * alone, so the caller must let the error end the whole unit (it rolls back) and redo the
   * work without this option. Ignored on a nested call.
   */
  flat?: boolean;
};

/** What an engine does at each step; the bookkeeping (lock, nesting, hooks) is shared. */
export type TransactionSteps = {
  begin(deadline: number): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  savepoint(name: string): Promise<void>;
  release(name: string): Promise<void>;
  rollbackTo(name: string): Promise<void>;
};

/** After-commit hooks, in order. One that throws is reported, never a failed write: the change is committed. */
export function runHooks(hooks: (() => void)[], onHookError: (err: unknown) => void): void {
  for (const hook of hooks) {
    try {
      hook();
    } catch (err) {
      onHookError(err);
    }
  }
}

export const busy = (what: string) =>
  new AppError('database_busy', `The database was busy for too long (${what}); retry shortly`, { extra: { retryAfter: 1 } });

/**
 * A unit of work on one writer: an async lock (in-process, with a timeout) in front of the
 * engine's own transaction, AsyncLocalStorage to carry it, savepoints for nesting, and
 * after-commit hooks. A hook that throws is reported, never turned into a failed write:
 * the change is already committed.
 */
export function createUnitOfWork(steps: TransactionSteps, lockTimeoutMs: number, onHookError: (err: unknown) => void) {
  const context = new AsyncLocalStorage<Frame>();
  const lock = withTimeout(new Mutex(), lockTimeoutMs, E_TIMEOUT);
  // On Node 20 an enabled AsyncLocalStorage keeps async hooks on for the whole process: every
  // promise, nextTick, timer and socket write then pays an init hook, which cost the cached
  // read path ~15% of its CPU. So it is switched off whenever no unit is running (run() turns
  // it back on); outside a unit getStore() is undefined either way.
  let running = 0;
  const inContext = async <T>(frame: Frame, fn: () => Promise<T> | T): Promise<T> => {
    running++;
    try {
      return await context.run(frame, fn);
    } finally {
      if (--running === 0) context.disable();
    }
  };

  async function nested<T>(parent: Frame, fn: () => Promise<T> | T): Promise<T> {
    if (parent.flat) return fn();
    const frame: Frame = { depth: parent.depth + 1, hooks: [] };
    const name = `uow_${frame.depth}`;
    await steps.savepoint(name);
    try {
      const result = await inContext(frame, fn);
      await steps.release(name);
      parent.hooks.push(...frame.hooks);
      return result;
    } catch (err) {
      await steps.rollbackTo(name);
      await steps.release(name);
      throw err;
    }
  }

  async function outermost<T>(fn: () => Promise<T> | T, flat: boolean): Promise<T> {
    const deadline = Date.now() + lockTimeoutMs;
    let release: () => void;
    try {
      release = await lock.acquire();
    } catch (err) {
      if (err === E_TIMEOUT) throw busy('waiting for the write lock');
      throw err;
    }
    const frame: Frame = { depth: 0, hooks: [], flat };
    let result: T;
    try {
      await steps.begin(deadline);
      try {
        result = await inContext(frame, fn);
        await steps.commit();
      } catch (err) {
        await steps.rollback();
        throw err;
      }
    } finally {
      release();
    }
    runHooks(frame.hooks, onHookError);
    return result;
  }

  return {
    current: () => context.getStore(),
    write<T>(fn: () => Promise<T> | T, opts: WriteOptions = {}): Promise<T> {
      const frame = context.getStore();
      return frame ? nested(frame, fn) : outermost(fn, opts.flat === true);
    },
    onCommit(hook: () => void) {
      const frame = context.getStore();
      if (frame) frame.hooks.push(hook);
      else hook();
    },
  };
}
