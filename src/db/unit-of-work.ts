import { AsyncLocalStorage } from 'node:async_hooks';
import { AppError } from '../errors.js';

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

/**
 * One transaction's connection, opened by the engine for an outermost unit of work: each
 * step on it, and how it is given back. The session travels in every frame of the unit, so
 * an engine reads its own fields (the connection repositories use) from `current()`.
 */
export type Session = {
  begin(deadline: number): Promise<void>;
  commit(): Promise<void>;
  /** Rolls back whatever is open; a failure leaves the connection's state unknown (see end). */
  rollback(): Promise<void>;
  savepoint(name: string): Promise<void>;
  release(name: string): Promise<void>;
  /** Rolls back to the savepoint and releases it (one step: on a server, one round trip). */
  undo(name: string): Promise<void>;
  /** Gives the connection back; `broken`: a ROLLBACK failed, so it must not be reused. */
  end(broken?: unknown): void;
};

/**
 * One level of a unit of work: hooks wait here until it is known whether the level commits.
 * `ended` once the level has committed or rolled back: work it left behind may still hold it.
 */
export type Frame<S extends Session> = { depth: number; hooks: (() => void)[]; session: S; flat: boolean; parent?: Frame<S>; ended: boolean };

export type UnitOfWorkOptions<S extends Session> = {
  /** A session for a new outermost unit, by `deadline` (ms since the epoch) or a 503. */
  open(deadline: number): Promise<S>;
  /** Longest wait for the session and the transaction's start. */
  lockTimeoutMs: number;
  onHookError: (err: unknown) => void;
  /** The engine's failures as the errors clients should see (e.g. a dropped connection → 503). */
  translate?: (err: unknown) => unknown;
};

/** After-commit hooks, in order. One that throws is reported, never a failed write: the change is committed. */
function runHooks(hooks: (() => void)[], onHookError: (err: unknown) => void): void {
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
 * The unit of work both engines share: AsyncLocalStorage carries it (so repositories need
 * no transaction argument, and a call made inside a unit cannot land outside it), nesting
 * opens savepoints, and after-commit hooks run once the outermost level has committed. A
 * hook that throws is reported, never turned into a failed write: the change is committed.
 * What differs per engine — where a connection comes from, how long one may be waited for,
 * the statements of each step — is the session (see sqlite.ts, postgres.ts).
 */
export function createUnitOfWork<S extends Session>(opts: UnitOfWorkOptions<S>) {
  const context = new AsyncLocalStorage<Frame<S>>();
  const translate = opts.translate ?? ((err: unknown) => err);
  // On Node 20 an enabled AsyncLocalStorage keeps async hooks on for the whole process: every
  // promise, nextTick, timer and socket write then pays an init hook, which cost the cached
  // read path ~15% of its CPU. So it is switched off whenever no unit is running (run() turns
  // it back on); outside a unit getStore() is undefined either way, and work a unit left
  // behind (a promise it did not await) no longer finds its finished frame.
  let running = 0;
  // Node keeps a store on every promise made under it: work a unit left behind (not awaited)
  // still holds that unit's frame, and once another unit has turned the storage back on it
  // would find it — and on SQLite, whose session is the one writer, write inside whatever
  // transaction runs now. So a frame that has ended is never current: its still-open parent
  // is, or none.
  const live = (): Frame<S> | undefined => {
    let frame = context.getStore();
    while (frame?.ended) frame = frame.parent;
    return frame;
  };
  const inContext = async <T>(frame: Frame<S>, fn: () => Promise<T> | T): Promise<T> => {
    running++;
    try {
      return await context.run(frame, fn);
    } finally {
      if (--running === 0) context.disable();
    }
  };

  async function nested<T>(parent: Frame<S>, fn: () => Promise<T> | T): Promise<T> {
    // `flat` (WriteOptions): nested units join the outer one without a savepoint.
    if (parent.flat) return fn();
    const frame: Frame<S> = { depth: parent.depth + 1, hooks: [], session: parent.session, flat: false, parent, ended: false };
    const name = `uow_${frame.depth}`;
    await frame.session.savepoint(name);
    try {
      const result = await inContext(frame, fn);
      await frame.session.release(name);
      parent.hooks.push(...frame.hooks);
      return result;
    } catch (err) {
      await frame.session.undo(name);
      throw err;
    } finally {
      frame.ended = true;
    }
  }

  async function outermost<T>(fn: () => Promise<T> | T, flat: boolean): Promise<T> {
    const deadline = Date.now() + opts.lockTimeoutMs;
    const session = await opts.open(deadline);
    const frame: Frame<S> = { depth: 0, hooks: [], session, flat, ended: false };
    let broken: unknown;
    let result: T;
    try {
      try {
        await session.begin(deadline);
        result = await inContext(frame, fn);
        await session.commit();
      } catch (err) {
        await session.rollback().catch((e: unknown) => (broken = e));
        throw err;
      }
    } catch (err) {
      throw translate(err);
    } finally {
      frame.ended = true;
      session.end(broken);
    }
    runHooks(frame.hooks, opts.onHookError);
    return result;
  }

  return {
    /** The session of the unit of work this call runs in, if any. */
    current: (): S | undefined => live()?.session,
    write<T>(fn: () => Promise<T> | T, opts: WriteOptions = {}): Promise<T> {
      const frame = live();
      return frame ? nested(frame, fn) : outermost(fn, opts.flat === true);
    },
    onCommit(hook: () => void) {
      const frame = live();
      if (frame) frame.hooks.push(hook);
      else hook();
    },
  };
}
