import { workerData, type MessagePort } from 'node:worker_threads';
import { openSqliteReadOnly } from '../db/sqlite.js';
import { AppError } from '../errors.js';
import { renderBody } from '../lib/markdown.js';
import { lowerThreadPriority } from '../lib/thread-priority.js';
import { createArticlesRepository, type ArticlesRepository } from '../modules/articles/articles.repository.js';
import { prepareLines, type RawLine } from '../modules/imports/import-lines.js';
import { createImportsRepository } from '../modules/imports/imports.repository.js';
import type { PrepareOptions } from '../modules/imports/imports.prepare.js';

// The code a pool thread runs (src/workers/pool.ts). Reads use the thread's own read-only
// connection to the database file, opened on first use; WAL lets it read while the main
// connection writes, and it sees every commit made before the read starts.

/** The reads a thread can run: repository calls whose cost the caller controls. */
export type ReadTasks = { 'articles.list': ArticlesRepository['list']; 'imports.seen': (hash: string) => Promise<boolean> };
export type ReadKind = keyof ReadTasks;

/** `started`: told the moment this thread begins the task, which starts its time budget. */
export type Task = { started: MessagePort } & (
  | { kind: 'render'; body: string }
  | { kind: 'importLines'; lines: RawLine[]; opts: PrepareOptions }
  | { [K in ReadKind]: { kind: 'read'; name: K; args: Parameters<ReadTasks[K]> } }[ReadKind]
);

/** AppErrors cross the thread boundary as data: a structured clone keeps no class. */
export type Outcome = { value: unknown } | { error: { code: AppError['code']; message: string; errors?: AppError['errors']; extra?: AppError['extra'] } };

// Requests are answered on the event loop; this thread's work is what can wait (see thread-priority.ts).
lowerThreadPriority(10);

let reads: ReadTasks | undefined;
const sharedFile = !['', ':memory:'].includes((workerData as { databaseFile: string }).databaseFile);
function readers(): ReadTasks {
  if (!reads) {
    const db = openSqliteReadOnly((workerData as { databaseFile: string }).databaseFile);
    const imports = createImportsRepository(db);
    reads = { 'articles.list': createArticlesRepository(db).list, 'imports.seen': async (hash) => (await imports.byHash(hash)) !== undefined };
  }
  return reads;
}

export default async function run(task: Task): Promise<Outcome> {
  task.started.postMessage(null);
  try {
    if (task.kind === 'render') return { value: renderBody(task.body) };
    if (task.kind === 'importLines') return { value: await prepareLines(task.lines, task.opts, sharedFile ? readers()['imports.seen'] : undefined) };
    const read = readers()[task.name] as (...args: unknown[]) => Promise<unknown>;
    return { value: await read(...task.args) };
  } catch (err) {
    if (err instanceof AppError) return { error: { code: err.code, message: err.message, errors: err.errors, extra: err.extra } };
    throw err;
  }
}
