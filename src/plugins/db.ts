import fp from 'fastify-plugin';
import { checkpointOffLoop } from '../db/checkpointer.js';
import { openSqlite, type SqliteDatabase } from '../db/sqlite.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: SqliteDatabase;
  }
}

export default fp(
  async (app, opts: { file: string; writeLockTimeoutMs: number }) => {
    const db = openSqlite(opts.file, {
      lockTimeoutMs: opts.writeLockTimeoutMs,
      onHookError: (err) => app.log.error({ err }, 'after-commit hook failed'),
    });
    // A file's write-ahead log is checkpointed on a thread, not inside a commit on the event
    // loop (see src/db/checkpointer.ts). `:memory:` has no log.
    const checkpoints =
      opts.file === ':memory:'
        ? undefined
        : checkpointOffLoop(db.sqlite.writer, opts.file, (err) => app.log.error({ err }, 'WAL checkpoints are back on the event loop'));
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      await checkpoints?.stop();
      await db.close();
    });
  },
  { name: 'db' },
);
