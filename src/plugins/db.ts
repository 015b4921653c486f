import fp from 'fastify-plugin';
import { checkpointOffLoop } from '../db/checkpointer.js';
import type { Database } from '../db/database.js';
import { openConfigured } from '../db/open.js';
import type { SqliteDatabase } from '../db/sqlite.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
  }
}

export type DbPluginOptions = {
  /** The SQLite file, used when `url` is absent. */
  file: string;
  /** A postgres:// URL: run on PostgreSQL. */
  url?: string;
  poolSize?: number;
  /** Budget of a read on PostgreSQL (SQLite's reads get theirs on a reader thread). */
  queryTimeoutMs?: number;
  writeLockTimeoutMs: number;
};

export default fp(
  async (app, opts: DbPluginOptions) => {
    const onHookError = (err: unknown) => app.log.error({ err }, 'after-commit hook failed');
    let checkpoints: { stop(): Promise<void> } | undefined;
    const db = await openConfigured(
      { file: opts.file, url: opts.url },
      { lockTimeoutMs: opts.writeLockTimeoutMs, poolSize: opts.poolSize, queryTimeoutMs: opts.queryTimeoutMs, onHookError },
    );
    // A file's write-ahead log is checkpointed on a thread, not inside a commit on the event
    // loop (see src/db/checkpointer.ts). `:memory:` has no log.
    if (db.engine === 'sqlite' && opts.file !== ':memory:') {
      checkpoints = checkpointOffLoop((db as SqliteDatabase).sqlite.writer, opts.file, (err) => app.log.error({ err }, 'WAL checkpoints are back on the event loop'));
    }
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      await checkpoints?.stop();
      await db.close();
    });
  },
  { name: 'db' },
);
