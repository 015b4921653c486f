import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { AppError } from '../errors.js';
import { renderBody, type Rendered } from '../lib/markdown.js';
import type { Outcome, ReadKind, ReadTasks, Task } from './tasks.js';

export type WorkerPoolOptions = {
  /** The database file reader threads open; `:memory:` cannot be shared, so reads stay in process. */
  databaseFile: string;
  threads: number;
  /** Budget of a read, from the moment it is asked for (queueing included). */
  queryTimeoutMs: number;
  /** Budget of rendering one Markdown body. */
  renderTimeoutMs: number;
};

export type WorkerPool = ReturnType<typeof createWorkerPool>;

// Tests and `npm run dev` run the TypeScript sources through tsx (threads inherit the
// process's execArgv, so `--import=tsx` reaches them); the build runs dist/*.js.
const taskFile = fileURLToPath(new URL(`./tasks${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

/** Seconds a client is told to wait after a read ran out of time or found the pool full. */
const RETRY_AFTER_S = 2;

/**
 * Work whose cost a caller controls — searches, deep pages, counts, Markdown rendering —
 * runs here, on a few worker threads, so the event loop only coordinates and no request
 * makes another wait. better-sqlite3 and markdown-it are synchronous and cannot be
 * interrupted from outside; a task over its budget gets its thread terminated and replaced
 * (piscina) and the caller an error at once. A thread inside one SQLite step only stops
 * when that step returns, which the search limits (src/lib/fts-query.ts) keep short.
 */
export function createWorkerPool(opts: WorkerPoolOptions) {
  const sharedFile = opts.databaseFile !== ':memory:' && opts.databaseFile !== '';
  const pool = new Piscina({
    filename: taskFile,
    // Threads start on first use and stop when idle, so a short-lived app (a test, a
    // script) that never searches or renders never pays for one.
    minThreads: 0,
    maxThreads: opts.threads,
    idleTimeout: 30_000,
    maxQueue: opts.threads * 32,
    workerData: { databaseFile: opts.databaseFile },
  });

  async function run(task: Task, timeoutMs: number, onTimeout: () => AppError): Promise<unknown> {
    let outcome: Outcome;
    try {
      outcome = (await pool.run(task, { signal: AbortSignal.timeout(timeoutMs) })) as Outcome;
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw onTimeout();
      if (/queue is at limit/i.test((err as Error).message)) {
        throw new AppError('unavailable', `Too much work is queued; retry after ${RETRY_AFTER_S} seconds`, { extra: { retryAfter: RETRY_AFTER_S } });
      }
      throw err;
    }
    if ('error' in outcome) {
      const { code, message, errors, extra } = outcome.error;
      throw new AppError(code, message, { errors, extra });
    }
    return outcome.value;
  }

  return {
    /** False for `:memory:` databases: `read` then runs in process, without a budget. */
    readsOffLoop: sharedFile,

    /** Runs a repository read on a reader thread; over budget it fails with a 503 `query_timeout`. */
    read<K extends ReadKind>(name: K, args: Parameters<ReadTasks[K]>, inProcess: ReadTasks[K]): Promise<ReturnType<ReadTasks[K]>> {
      if (!sharedFile) return Promise.resolve((inProcess as (...a: unknown[]) => ReturnType<ReadTasks[K]>)(...args));
      const timeout = () =>
        new AppError('query_timeout', `The query did not finish within ${opts.queryTimeoutMs} ms; narrow it or retry later`, {
          extra: { retryAfter: RETRY_AFTER_S },
        });
      return run({ kind: 'read', name, args } as Task, opts.queryTimeoutMs, timeout) as Promise<ReturnType<ReadTasks[K]>>;
    },

    /** Renders a Markdown body off the event loop; over budget it is a 422 naming `body.body`. */
    renderBody(body: string): Promise<Rendered> {
      // An empty body (a draft headline) is not worth a thread hop.
      if (body === '') return Promise.resolve(renderBody(body));
      const tooComplex = () =>
        new AppError('unprocessable', 'The body is too complex to render', {
          errors: [{ path: 'body.body', message: `Too complex to render within ${opts.renderTimeoutMs} ms; simplify the Markdown` }],
        });
      return run({ kind: 'render', body }, opts.renderTimeoutMs, tooComplex) as Promise<Rendered>;
    },

    close: () => pool.destroy(),
  };
}
