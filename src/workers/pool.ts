import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { AppError } from '../errors.js';
import { renderBody, type Rendered } from '../lib/markdown.js';
import type { LineOutcome, RawLine } from '../modules/imports/import-lines.js';
import type { PrepareOptions } from '../modules/imports/imports.prepare.js';
import type { Outcome, ReadKind, ReadTasks, Task } from './tasks.js';

export type WorkerPoolOptions = {
  /** The database file reader threads open; `:memory:` cannot be shared, so reads stay in process. */
  databaseFile: string;
  threads: number;
  /** Budget of a read on its thread (waiting for a thread is bounded separately). */
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
 * Longest wait for a free thread (including starting one: seconds under tsx on a busy
 * machine, so it is not charged to the task's own budget). Past it the server is busy: 503.
 */
const QUEUE_WAIT_MS = 15_000;
/**
 * Bodies up to this many characters render in process: the worst input we found
 * (`![`, `[` or `&#` repeated) takes under 10 ms at this size and grows about
 * quadratically past it (70 ms at 8 KB, 5 s at 500 KB). A thread hop is not worth it below.
 */
const INLINE_RENDER_MAX = 2048;
/** Old-generation cap of a pool thread, in MB (see resourceLimits below). */
const WORKER_OLD_GENERATION_MB = 256;
const busy = () =>
  new AppError('unavailable', `Too much work is queued; retry after ${RETRY_AFTER_S} seconds`, { extra: { retryAfter: RETRY_AFTER_S } });

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
    // A small young generation keeps each thread's heap near 60 MB under a bulk import; the
    // old generation is capped so a pathological body costs one thread (replaced, the caller
    // told it is too complex), never the process's memory. 500,000-character bodies of the
    // worst Markdown we tried (`![`, `&#`, `[`, lists, quotes) render within it.
    resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB },
  });

  /**
   * The task's budget starts when a thread picks it up: the thread says so on a port that
   * travels with the task. Aborting a running task terminates its thread (piscina).
   */
  async function run(task: Task, budgetMs: number, onTimeout: () => AppError): Promise<unknown> {
    const abort = new AbortController();
    const { port1, port2 } = new MessageChannel();
    let started = false;
    let budget: NodeJS.Timeout | undefined;
    const queued = setTimeout(() => abort.abort(), QUEUE_WAIT_MS);
    port1.once('message', () => {
      started = true;
      clearTimeout(queued);
      budget = setTimeout(() => abort.abort(), budgetMs);
    });
    let outcome: Outcome;
    try {
      outcome = (await pool.run({ ...task, started: port2 }, { signal: abort.signal, transferList: [port2] })) as Outcome;
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw started ? onTimeout() : busy();
      // The task outgrew the thread's heap cap: the thread is gone (piscina replaces it).
      if ((err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') throw onTimeout();
      if (/queue is at limit/i.test((err as Error).message)) throw busy();
      throw err;
    } finally {
      clearTimeout(queued);
      clearTimeout(budget);
      port1.close();
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
    read<K extends ReadKind>(name: K, args: Parameters<ReadTasks[K]>, inProcess: ReadTasks[K]): Promise<Awaited<ReturnType<ReadTasks[K]>>> {
      if (!sharedFile) return (inProcess as (...a: unknown[]) => Promise<Awaited<ReturnType<ReadTasks[K]>>>)(...args);
      const timeout = () =>
        new AppError('query_timeout', `The query did not finish within ${opts.queryTimeoutMs} ms; narrow it or retry later`, {
          extra: { retryAfter: RETRY_AFTER_S },
        });
      return run({ kind: 'read', name, args } as unknown as Task, opts.queryTimeoutMs, timeout) as Promise<Awaited<ReturnType<ReadTasks[K]>>>;
    },

    /** Renders a Markdown body off the event loop; over budget it is a 422 naming `body.body`. */
    renderBody(body: string): Promise<Rendered> {
      if (body.length <= INLINE_RENDER_MAX) return Promise.resolve(renderBody(body));
      const tooComplex = () =>
        new AppError('unprocessable', 'The body is too complex to render', {
          errors: [{ path: 'body.body', message: `Too complex to render within ${opts.renderTimeoutMs} ms; simplify the Markdown` }],
        });
      return run({ kind: 'render', body } as Task, opts.renderTimeoutMs, tooComplex) as Promise<Rendered>;
    },

    /**
     * Reads and renders a run of bulk-import lines on a thread. The run has one rendering
     * budget: past it the whole run fails (422), and the caller retries its lines one by one
     * (renderBody) so that only the line too complex to render is refused.
     */
    prepareImportLines(lines: RawLine[], options: PrepareOptions): Promise<LineOutcome[]> {
      const tooComplex = () => new AppError('unprocessable', `The lines did not render within ${opts.renderTimeoutMs} ms`);
      return run({ kind: 'importLines', lines, opts: options } as Task, opts.renderTimeoutMs, tooComplex) as Promise<LineOutcome[]>;
    },

    close: () => pool.destroy(),
  };
}
