import fp from 'fastify-plugin';
import { migrateDatabase, openDatabase, type Db } from '../db/client.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

export default fp(
  async (app, opts: { file: string }) => {
    const db = openDatabase(opts.file);
    migrateDatabase(db);
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      db.$client.close();
    });
  },
  { name: 'db' },
);
