import fp from 'fastify-plugin';
import { migrateDatabase, openDatabase, type Db } from '../db/client.js';
import { checkpointOffLoop } from '../db/checkpointer.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

export default fp(
  async (app, opts: { file: string }) => {
    const db = openDatabase(opts.file);
    migrateDatabase(db);
    // A file's write-ahead log is checkpointed on a thread, not inside a commit on the event
    // loop (see src/db/checkpointer.ts). `:memory:` has no log.
    const checkpoints =
      opts.file === ':memory:' ? undefined : checkpointOffLoop(db.$client, opts.file, (err) => app.log.error({ err }, 'WAL checkpoints are back on the event loop'));
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      await checkpoints?.stop();
      db.$client.close();
    });
  },
  { name: 'db' },
);
