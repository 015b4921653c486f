// Database checksum: a snapshot of every content table, compared before and after a request.

import { createHash } from 'node:crypto';
import { all, type Db } from './fixtures.js';
import { rawValue } from '../db.js';

/**
 * Every table that holds content or its history. Left out: the FTS index (derived by
 * triggers), the migrations journal, and columns that change on their own: a token's
 * last use (recorded by successful authentication, on reads too) and a delivery's progress
 * (the webhook worker sends in the background).
 */
const CHECKSUM_TABLES: Record<string, string[]> = {
  bureaus: [],
  authors: [],
  tags: [],
  articles: [],
  article_authors: [],
  article_tags: [],
  article_revisions: [],
  slug_history: [],
  api_tokens: ['last_used_at'],
  webhooks: [],
  webhook_deliveries: ['status', 'attempts', 'next_attempt_at', 'last_error', 'last_status', 'delivered_at'],
  idempotency_keys: [],
  audit_events: [],
  content_version: [],
  server_keys: [],
  sqlite_sequence: [],
};

/** Per table, each row's key (SQLite's rowid, PostgreSQL's primary key) and a hash of its other columns. */
export type Snapshot = Map<string, Map<string, string>>;

type Reader = { table: string; sql: string };
const readers = new WeakMap<object, Reader[]>();

/** The columns hashed for `table`, and the row key: SQLite's rowid, or PostgreSQL's primary key (it has no rowid). */
async function readerFor(db: Db, table: string, exclude: string[]): Promise<Reader> {
  const columns =
    db.engine === 'sqlite'
      ? (await all<{ name: string }>(db, `SELECT name FROM pragma_table_info('${table}') ORDER BY cid`)).map((c) => c.name)
      : (await all<{ name: string }>(db, 'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position', table)).map((c) => c.name);
  const hashed = columns.filter((c) => !exclude.includes(c));
  if (hashed.length === 0) throw new Error(`contract-fuzz: table ${table} has no columns (renamed?)`);
  const list = hashed.map((c) => `"${c}"`).join(', ');
  if (db.engine === 'sqlite') return { table, sql: `SELECT rowid AS "#key", ${list} FROM ${table} ORDER BY rowid` };
  const keys = (
    await all<{ name: string }>(
      db,
      'SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY a.attnum',
      table,
    )
  ).map((k) => `"${k.name}"`);
  if (keys.length === 0) throw new Error(`contract-fuzz: table ${table} has no primary key`);
  return { table, sql: `SELECT concat_ws(',', ${keys.join(', ')}) AS "#key", ${list} FROM ${table} ORDER BY ${keys.join(', ')}` };
}

export async function snapshot(db: Db): Promise<Snapshot> {
  let prepared = readers.get(db);
  if (!prepared) {
    prepared = [];
    for (const [table, exclude] of Object.entries(CHECKSUM_TABLES)) {
      if (table === 'sqlite_sequence' && db.engine !== 'sqlite') continue; // PostgreSQL's sequences live outside tables
      prepared.push(await readerFor(db, table, exclude));
    }
    readers.set(db, prepared);
  }
  const out: Snapshot = new Map();
  for (const { table, sql } of prepared) {
    const rows = new Map<string, string>();
    for (const row of await all<Record<string, unknown>>(db, sql)) {
      const { '#key': key, ...values } = row;
      const hashed = JSON.stringify(Object.values(values), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
      rows.set(String(key), createHash('sha1').update(hashed).digest('base64'));
    }
    out.set(table, rows);
  }
  return out;
}

/** What changed between two snapshots, e.g. `articles: ~3; audit_events: +41`; '' when nothing. */
export function diffSnapshots(before: Snapshot, after: Snapshot): string {
  if (before === after) return '';
  const parts: string[] = [];
  for (const [table, rowsAfter] of after) {
    const rowsBefore = before.get(table) ?? new Map<string, string>();
    const added: string[] = [];
    const changed: string[] = [];
    const removed: string[] = [];
    for (const [id, h] of rowsAfter) {
      const old = rowsBefore.get(id);
      if (old === undefined) added.push(id);
      else if (old !== h) changed.push(id);
    }
    for (const id of rowsBefore.keys()) if (!rowsAfter.has(id)) removed.push(id);
    const bits = [...added.map((i) => `+${i}`), ...changed.map((i) => `~${i}`), ...removed.map((i) => `-${i}`)];
    if (bits.length > 0) parts.push(`${table}: ${bits.slice(0, 8).join(' ')}${bits.length > 8 ? ' …' : ''}`);
  }
  return parts.join('; ');
}


/**
 * A counter that moves whenever the database may have changed. When it has not moved, the
 * last snapshot still holds and most requests (reads, rejections before any write) need none.
 * SQLite: rows written on the app's connection so far (INSERT/UPDATE/DELETE, trigger programs
 * included, rolled-back ones too). PostgreSQL: the write-ahead log's insert position, which
 * every write moves (rolled-back ones too); writes to other databases of the cluster move it
 * as well, which only costs a snapshot that finds nothing changed.
 */
const changeMark = async (db: Db) =>
  String(await rawValue(db, db.engine === 'sqlite' ? 'SELECT total_changes()' : 'SELECT pg_current_wal_insert_lsn()::text'));
const snapshots = new WeakMap<object, { changes: string; snap: Snapshot }>();

export async function currentSnapshot(db: Db): Promise<{ changes: string; snap: Snapshot }> {
  const changes = await changeMark(db);
  const cached = snapshots.get(db);
  if (cached && cached.changes === changes) return cached;
  const fresh = { changes, snap: await snapshot(db) };
  snapshots.set(db, fresh);
  return fresh;
}
