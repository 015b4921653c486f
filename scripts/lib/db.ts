// The database side of the scripts: a fresh file with an admin token, and read-only
// inspection while the server is down.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqlite } from '../../src/db/sqlite.js';
import { createToken } from '../../src/modules/tokens/tokens.service.js';

/** Migrates a new database file in `dir` and creates an admin token; the file is closed again. */
export async function freshDatabase(dir: string, name = 'dateline.db'): Promise<{ file: string; token: string }> {
  const file = join(dir, name);
  const db = openSqlite(file);
  const { token } = await createToken(db, { name: 'script admin', role: 'admin' });
  await db.close();
  return { file, token };
}

/** Opens the file read-only (the server must be down or only reading), runs `fn`, closes it. */
export function inspect<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` and `foreign_key_check`: [] when both are clean, else what they said. */
export function integrityProblems(db: Database.Database): string[] {
  const integrity = db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
  const problems = integrity.map((r) => r.integrity_check).filter((r) => r !== 'ok');
  const fk = db.pragma('foreign_key_check') as unknown[];
  if (fk.length > 0) problems.push(`foreign_key_check: ${JSON.stringify(fk.slice(0, 5))}`);
  return problems;
}
