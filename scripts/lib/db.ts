// The database side of the scripts: a fresh database with an admin token, and read-only
// inspection of a SQLite file while the server is down.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openConfigured } from '../../src/db/open.js';
import { createToken } from '../../src/modules/tokens/tokens.service.js';
import { fileOf, type DatabaseTarget } from './target.js';

/** Migrates the target's database (if it is not yet) and creates an admin token on it; closes it again. */
export async function adminTokenOn(target: DatabaseTarget): Promise<string> {
  const db = await openConfigured({ file: fileOf(target), url: target.engine === 'postgres' ? target.url : undefined }, { poolSize: 1 });
  try {
    return (await createToken(db, { name: 'script admin', role: 'admin' })).token;
  } finally {
    await db.close();
  }
}

/** Migrates a new database file in `dir` and creates an admin token; the file is closed again. */
export async function freshDatabase(dir: string, name = 'dateline.db'): Promise<{ file: string; token: string }> {
  const file = join(dir, name);
  return { file, token: await adminTokenOn({ engine: 'sqlite', file }) };
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
