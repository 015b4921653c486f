import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Copies a live database with SQLite's online backup API (through better-sqlite3): the
 * copy is one consistent snapshot even while another process keeps writing, and writers
 * are never blocked for long because pages are copied in small steps.
 */
export async function backupDatabase(source: string, target: string): Promise<{ pages: number; ms: number }> {
  mkdirSync(dirname(resolve(target)), { recursive: true });
  const db = new Database(source, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const started = Date.now();
  try {
    const result = await db.backup(target);
    const copy = new Database(target);
    const check = copy.pragma('integrity_check', { simple: true });
    copy.close();
    if (check !== 'ok') throw new Error(`backup failed its integrity check: ${String(check)}`);
    return { pages: result.totalPages, ms: Date.now() - started };
  } finally {
    db.close();
  }
}
