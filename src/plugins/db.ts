import fp from 'fastify-plugin';
import type { Database } from '../db/database.js';
import { openPostgres } from '../db/postgres.js';
import { openSqlite } from '../db/sqlite.js';

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
    const db: Database = opts.url
      ? await openPostgres(opts.url, { lockTimeoutMs: opts.writeLockTimeoutMs, poolSize: opts.poolSize, queryTimeoutMs: opts.queryTimeoutMs, onHookError })
      : openSqlite(opts.file, { lockTimeoutMs: opts.writeLockTimeoutMs, onHookError });
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      await db.close();
    });
  },
  { name: 'db' },
);
