import fp from 'fastify-plugin';
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
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      await db.close();
    });
  },
  { name: 'db' },
);
