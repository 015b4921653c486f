import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Database } from '../../db/database.js';
import { countTokens, createToken } from './tokens.service.js';

/**
 * Where the first admin token goes: a file beside the database, readable by the server's
 * user only. Not stdout or stderr: a container's log collector captures both, and log
 * lines are shipped and kept. The file holds the one secret until the operator moves it.
 */
export const firstTokenFile = (databaseFile: string) => join(dirname(databaseFile), 'first-admin-token');

export function writeFirstToken(databaseFile: string, token: string): string {
  const file = firstTokenFile(databaseFile);
  // A stale file from an earlier database is replaced, never appended to or reused.
  rmSync(file, { force: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600); // the mode above is filtered through the umask
  return file;
}

/**
 * The first admin token when the database has none, else null. Counted and created in one
 * write, so instances starting together on an empty database make one token, not one each.
 */
export function createFirstToken(db: Database): Promise<string | null> {
  return db.write(async () => {
    // Held before counting: the second instance counts after the first has committed.
    await db.serialise('first-token');
    return (await countTokens(db)) === 0 ? (await createToken(db, { name: 'first admin', role: 'admin' })).token : null;
  });
}
