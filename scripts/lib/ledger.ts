// What the crash test's client knows for certain: every write whose 2xx reached it, and
// every Idempotency-Key whose request may have been applied. checkDatabase compares it
// with the file while the server is down.
import { inspect, integrityProblems } from './db.js';

export type CreateKind = 'article' | 'author' | 'bureau';
export type KeyedCreate = { kind: CreateKind; key: string; path: string; body: Record<string, unknown>; name: string };

export class Ledger {
  /** Article id → the highest version a 2xx answered. */
  readonly articleVersion = new Map<number, number>();
  /** Article id → version of its acknowledged publish. */
  readonly published = new Map<number, number>();
  readonly authors = new Set<number>();
  readonly bureaus = new Set<number>();
  acknowledged = 0;
  /** The client's latest view, used for If-Match (may be behind after an unacknowledged write). */
  readonly known = new Map<number, { version: number; status: string }>();
  /** Sent, no answer yet (or the answer was lost in a crash). */
  readonly inDoubt = new Map<string, KeyedCreate>();
  /** Every keyed create whose answer a kill cut off; all are sent again after the last restart. */
  readonly unanswered = new Map<string, KeyedCreate>();
  /** Key → the id its first 201 named; every later 201 for the key must name the same. */
  readonly createdBy = new Map<string, number>();

  ackArticle(id: number, version: number, status: string) {
    this.acknowledged++;
    this.articleVersion.set(id, Math.max(version, this.articleVersion.get(id) ?? 0));
    this.see(id, version, status);
    if (status === 'published') this.published.set(id, version);
  }

  see(id: number, version: number, status: string) {
    const k = this.known.get(id);
    if (!k || k.version <= version) this.known.set(id, { version, status });
  }

  ackCreate(kind: CreateKind, id: number) {
    if (kind === 'author') this.authors.add(id);
    else if (kind === 'bureau') this.bureaus.add(id);
    if (kind !== 'article') this.acknowledged++;
  }
}

const tables = { article: ['articles', 'headline'], author: ['authors', 'name'], bureau: ['bureaus', 'name'] } as const;

export type DbCheck = { checks: number; violations: string[] };

/** Every check of the file against the ledger; run while the server is down. */
export function checkDatabase(file: string, ledger: Ledger): DbCheck {
  return inspect(file, (db) => {
    const violations: string[] = [];
    let checks = 0;
    const check = (ok: boolean, message: () => string) => {
      checks++;
      if (!ok) violations.push(message());
    };

    const integrity = integrityProblems(db);
    check(integrity.length === 0, () => `integrity: ${integrity.join('; ')}`);

    type Row = { id: number; version: number; status: string; announced_at: string | null };
    const rows = new Map((db.prepare('SELECT id, version, status, announced_at FROM articles').all() as Row[]).map((r) => [r.id, r]));
    for (const [id, version] of ledger.articleVersion) {
      const row = rows.get(id);
      check(row !== undefined && row.version >= version, () => `article ${id}: acknowledged v${version}, found ${row ? `v${row.version}` : 'nothing'}`);
    }
    const announced = new Set(
      (db.prepare(`SELECT DISTINCT json_extract(payload, '$.data.id') FROM webhook_deliveries WHERE event_type = 'article.published'`).pluck().all() as number[]),
    );
    for (const [id, version] of ledger.published) {
      const row = rows.get(id);
      check(row?.status === 'published' && row.announced_at !== null, () => `article ${id}: publish of v${version} acknowledged, status now ${row?.status}`);
      check(announced.has(id), () => `article ${id}: publish acknowledged but no article.published delivery in the outbox`);
    }
    // The outbox is written in the publishing transaction: no live article may lack its event,
    // whether or not its publish was acknowledged.
    for (const row of rows.values()) {
      if (row.status === 'published' && row.announced_at !== null) {
        check(announced.has(row.id), () => `article ${row.id} is live but has no article.published delivery (lost event)`);
      }
    }
    for (const [kind, ids] of [['authors', ledger.authors], ['bureaus', ledger.bureaus]] as const) {
      const present = new Set(db.prepare(`SELECT id FROM ${kind}`).pluck().all() as number[]);
      for (const id of ids) check(present.has(id), () => `${kind} ${id}: creation acknowledged but missing`);
    }

    // Every create carries a unique name: two rows with one name mean a key applied twice.
    for (const [table, column] of Object.values(tables)) {
      const dups = db.prepare(`SELECT ${column} AS name, count(*) AS n FROM ${table} GROUP BY ${column} HAVING n > 1`).all() as { name: string; n: number }[];
      check(dups.length === 0, () => `${table}: applied more than once: ${dups.map((d) => `${d.name} ×${d.n}`).join(', ')}`);
    }

    // A key cut off by a kill and answered since maps to exactly the one row its answer named.
    for (const c of ledger.unanswered.values()) {
      const id = ledger.createdBy.get(c.key);
      if (id === undefined) continue; // not sent again yet
      const [table, column] = tables[c.kind];
      const ids = db.prepare(`SELECT id FROM ${table} WHERE ${column} = ?`).pluck().all(c.name) as number[];
      check(ids.length === 1 && ids[0] === id, () => `key ${c.key}: answered with ${c.kind} ${id}, found ${table} [${ids.join(', ')}] named ${c.name}`);
    }
    return { checks, violations };
  });
}

export type DeliveryCheck = { checks: number; violations: string[]; events: number; deliveries: number; received: number; duplicates: number };

/** At the end, with the outbox drained: every event in the outbox reached the receiver. */
export function checkDeliveries(file: string, received: Map<string, number>): DeliveryCheck {
  return inspect(file, (db) => {
    const violations: string[] = [];
    let checks = 0;
    const rows = db.prepare('SELECT event_id AS eventId, status, last_error AS lastError FROM webhook_deliveries').all() as {
      eventId: string;
      status: string;
      lastError: string | null;
    }[];
    for (const r of rows) {
      checks++;
      if (r.status !== 'delivered') violations.push(`delivery of event ${r.eventId} is ${r.status} (${r.lastError ?? 'no error'})`);
      checks++;
      if (!received.has(r.eventId)) violations.push(`event ${r.eventId} never reached the receiver (lost delivery)`);
    }
    const events = new Set(rows.map((r) => r.eventId));
    for (const id of received.keys()) {
      checks++;
      if (!events.has(id)) violations.push(`the receiver got event ${id}, which is not in the outbox`);
    }
    let duplicates = 0;
    let total = 0;
    for (const n of received.values()) {
      duplicates += n - 1;
      total += n;
    }
    return { checks, violations, events: events.size, deliveries: rows.length, received: total, duplicates };
  });
}
