// The database side of the scripts: a fresh database with an admin token, and read-only
// inspection (of a SQLite file while the server is down, or of a PostgreSQL database).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openPostgres } from '../../src/db/postgres.js';
import { openSqlite } from '../../src/db/sqlite.js';
import { createToken } from '../../src/modules/tokens/tokens.service.js';
import type { DatabaseTarget } from './instances.js';

/** Migrates a new database file in `dir` and creates an admin token; the file is closed again. */
export async function freshDatabase(dir: string, name = 'dateline.db'): Promise<{ file: string; token: string }> {
  const file = join(dir, name);
  const db = openSqlite(file);
  const { token } = await createToken(db, { name: 'script admin', role: 'admin' });
  await db.close();
  return { file, token };
}

/** Migrates the target's database if it is not yet and creates an admin token in it; closes it again. */
export async function adminTokenIn(target: DatabaseTarget): Promise<string> {
  const db = target.engine === 'sqlite' ? openSqlite(target.file) : await openPostgres(target.url, { poolSize: 1 });
  try {
    return (await createToken(db, { name: 'script admin', role: 'admin' })).token;
  } finally {
    await db.close();
  }
}

/** Each `?` in turn becomes `$1`, `$2`, … (the SQL written for both engines has no `?` inside string literals). */
export const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

/** Rows of one statement with `?` parameters, on either engine. */
export type Query = <T = Record<string, unknown>>(text: string, ...params: unknown[]) => Promise<T[]>;

/**
 * Runs `fn` with read access to the target's database, on a connection of its own: the
 * SQLite file opened read-only (the server must be down or only reading), PostgreSQL on one
 * client. For checks written once for both engines.
 */
export async function readDatabase<T>(target: DatabaseTarget, fn: (query: Query) => Promise<T>): Promise<T> {
  if (target.engine === 'sqlite') {
    const db = new Database(target.file, { readonly: true, fileMustExist: true });
    try {
      return await fn(async <R>(text: string, ...params: unknown[]) => db.prepare(text).all(...params) as R[]);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    return await fn(async <R>(text: string, ...params: unknown[]) => (await client.query(numbered(text), params)).rows as R[]);
  } finally {
    await client.end();
  }
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
