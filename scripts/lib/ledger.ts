// What a load's client knows for certain: every write whose 2xx reached it, and every
// Idempotency-Key whose request may have been applied. checkDatabase compares it with the
// database (the crash test's, or the PostgreSQL restart test's), on either engine.
import { inspect, integrityProblems, readDatabase } from './db.js';
import type { DatabaseTarget } from './instances.js';

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

/** The article id in a delivery's JSON payload, in each engine's SQL. */
const payloadArticleId = { sqlite: `json_extract(payload, '$.data.id')`, postgres: `(payload::json -> 'data' ->> 'id')::int` };

/**
 * Every check of the database against the ledger; on SQLite run while the server is down.
 * Besides what was acknowledged, nothing may be half-written: every article written by
 * these loads has a byline and the revision of its current version (one transaction each).
 */
export async function checkDatabase(target: DatabaseTarget, ledger: Ledger): Promise<DbCheck> {
  const violations: string[] = [];
  let checks = 0;
  const check = (ok: boolean, message: () => string) => {
    checks++;
    if (!ok) violations.push(message());
  };
  if (target.engine === 'sqlite') {
    const integrity = inspect(target.file, integrityProblems);
    check(integrity.length === 0, () => `integrity: ${integrity.join('; ')}`);
  }
  await readDatabase(target, async (query) => {
    const ids = async (text: string, ...params: unknown[]) => (await query<{ id: number }>(text, ...params)).map((r) => Number(r.id));

    type Row = { id: number; version: number; status: string; announced_at: string | null };
    const rows = new Map((await query<Row>('SELECT id, version, status, announced_at FROM articles')).map((r) => [r.id, r]));
    for (const [id, version] of ledger.articleVersion) {
      const row = rows.get(id);
      check(row !== undefined && row.version >= version, () => `article ${id}: acknowledged v${version}, found ${row ? `v${row.version}` : 'nothing'}`);
    }
    const announced = new Set(
      await ids(`SELECT DISTINCT ${payloadArticleId[target.engine]} AS id FROM webhook_deliveries WHERE event_type = 'article.published'`),
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
    const noByline = await ids('SELECT id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM article_authors b WHERE b.article_id = a.id)');
    check(noByline.length === 0, () => `articles without a byline (half-written): ${noByline.join(', ')}`);
    const noRevision = await ids(
      'SELECT id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM article_revisions r WHERE r.article_id = a.id AND r.version = a.version)',
    );
    check(noRevision.length === 0, () => `articles without the revision of their version (half-written): ${noRevision.join(', ')}`);
    for (const [kind, acked] of [['authors', ledger.authors], ['bureaus', ledger.bureaus]] as const) {
      const present = new Set(await ids(`SELECT id FROM ${kind}`));
      for (const id of acked) check(present.has(id), () => `${kind} ${id}: creation acknowledged but missing`);
    }

    // Every create carries a unique name: two rows with one name mean a key applied twice.
    for (const [table, column] of Object.values(tables)) {
      const dups = await query<{ name: string; n: number }>(`SELECT ${column} AS name, count(*) AS n FROM ${table} GROUP BY ${column} HAVING count(*) > 1`);
      check(dups.length === 0, () => `${table}: applied more than once: ${dups.map((d) => `${d.name} ×${d.n}`).join(', ')}`);
    }

    // A key cut off by a kill and answered since maps to exactly the one row its answer named.
    for (const c of ledger.unanswered.values()) {
      const id = ledger.createdBy.get(c.key);
      if (id === undefined) continue; // not sent again yet
      const [table, column] = tables[c.kind];
      const found = await ids(`SELECT id FROM ${table} WHERE ${column} = ?`, c.name);
      check(found.length === 1 && found[0] === id, () => `key ${c.key}: answered with ${c.kind} ${id}, found ${table} [${found.join(', ')}] named ${c.name}`);
    }
  });
  return { checks, violations };
}

export type DeliveryCheck = { checks: number; violations: string[]; events: number; deliveries: number; received: number; duplicates: number };

/** At the end, with the outbox drained: every event in the outbox reached the receiver. */
export async function checkDeliveries(target: DatabaseTarget, received: Map<string, number>): Promise<DeliveryCheck> {
  const violations: string[] = [];
  let checks = 0;
  const rows = await readDatabase(target, (query) =>
    query<{ eventId: string; status: string; lastError: string | null }>('SELECT event_id AS "eventId", status, last_error AS "lastError" FROM webhook_deliveries'),
  );
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
}
