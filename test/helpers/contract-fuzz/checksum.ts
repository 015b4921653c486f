// Database checksum: a snapshot of every content table, compared before and after a request.

import { createHash } from 'node:crypto';
import { count, type Db } from './fixtures.js';
import { sqliteOf } from '../db.js';

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

export type Snapshot = Map<string, Map<number, string>>;

type Statement = ReturnType<ReturnType<typeof sqliteOf>["writer"]["prepare"]>;
const statements = new WeakMap<object, Array<{ table: string; stmt: Statement }>>();

export function snapshot(db: Db): Snapshot {
  let prepared = statements.get(db);
  if (!prepared) {
    prepared = Object.entries(CHECKSUM_TABLES).map(([table, exclude]) => {
      const columns = (sqliteOf(db).writer.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>)
        .map((c) => c.name)
        .filter((c) => !exclude.includes(c));
      if (columns.length === 0) throw new Error(`contract-fuzz: table ${table} has no columns (renamed?)`);
      const list = columns.map((c) => `"${c}"`).join(', ');
      return { table, stmt: sqliteOf(db).writer.prepare(`SELECT rowid, ${list} FROM ${table} ORDER BY rowid`) };
    });
    statements.set(db, prepared);
  }
  const out: Snapshot = new Map();
  for (const { table, stmt } of prepared) {
    const rows = new Map<number, string>();
    for (const row of stmt.raw().iterate() as Iterable<unknown[]>) {
      const [rowid, ...values] = row;
      rows.set(Number(rowid), createHash('sha1').update(JSON.stringify(values, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).digest('base64'));
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
    const rowsBefore = before.get(table) ?? new Map<number, string>();
    const added: number[] = [];
    const changed: number[] = [];
    const removed: number[] = [];
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
 * Rows written on the app's connection so far (INSERT/UPDATE/DELETE, trigger programs included,
 * rolled-back ones too). When it has not moved, the database cannot have changed, so the last
 * snapshot still holds and most requests (reads, rejections before any write) need none.
 */
const totalChanges = (db: Db) => count(db, 'SELECT total_changes()');
const snapshots = new WeakMap<object, { changes: number; snap: Snapshot }>();

export function currentSnapshot(db: Db): { changes: number; snap: Snapshot } {
  const changes = totalChanges(db);
  const cached = snapshots.get(db);
  if (cached && cached.changes === changes) return cached;
  const fresh = { changes, snap: snapshot(db) };
  snapshots.set(db, fresh);
  return fresh;
}
