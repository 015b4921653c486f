import Database from 'better-sqlite3';
import { lowerThreadPriority } from '../lib/thread-priority.js';

// The task of the thread that copies the write-ahead log into the database file
// (src/db/checkpointer.ts), on its own connection, which never writes rows. A PASSIVE
// checkpoint copies what no reader still needs and never waits for a lock, so writers and
// readers go on meanwhile; on a log that holds nothing new it only reads the log's header.

// Copying the log can wait; answering requests cannot (see thread-priority.ts).
lowerThreadPriority(10);

export type CheckpointTask = { file: string; close?: boolean };

let db: Database.Database | undefined;
let checkpoint: Database.Statement | undefined;

export default function run(task: CheckpointTask): void {
  try {
    if (task.close) {
      db?.close();
      db = checkpoint = undefined;
      return;
    }
    if (!db || !checkpoint) {
      db = new Database(task.file, { fileMustExist: true });
      // As the writer connection: a checkpoint syncs the log before copying and the file after.
      db.pragma('synchronous = NORMAL');
      db.pragma('wal_autocheckpoint = 0');
      checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    }
    checkpoint.get();
  } catch (err) {
    const { code, message } = err as { code?: string; message?: string };
    // Another process (a backup, a script) holding a lock only delays this checkpoint.
    if (code === 'SQLITE_BUSY') return;
    // A plain Error: better-sqlite3's SqliteError arrives on the main thread as `{}`.
    throw new Error(`WAL checkpoint failed: ${message ?? String(err)}${code ? ` (${code})` : ''}`);
  }
}
