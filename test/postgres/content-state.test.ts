import type pg from 'pg';
import t, { type Test } from 'tap';
import { createPgContentStateReader } from '../../src/db/pg/content-state.js';
import { freshPgDatabase, pgPool } from '../helpers/pg.js';

const at = '2026-01-01T00:00:00.000Z';
const insertTag = `INSERT INTO tags (slug, name, created_at, updated_at) VALUES ($1, $1, '${at}', '${at}')`;

/** Two instances' pools on one database, and a reader on B that counts its queries. */
async function twoInstances(t: Test) {
  const { url } = await freshPgDatabase(t);
  const a = pgPool(t, url);
  const b = pgPool(t, url);
  const seen: string[] = [];
  let hold: Promise<void> | undefined;
  const counted = {
    query: (async (config: pg.QueryConfig) => {
      seen.push(config.name ?? config.text);
      const result = await b.query(config);
      if (hold) await hold;
      return result;
    }) as unknown as pg.Pool['query'],
  };
  return { a, b, seen, read: createPgContentStateReader(counted), holdAnswers: (p: Promise<void> | undefined) => (hold = p) };
}

t.test("a write through pool A is seen by B's next check", async (t) => {
  const { a, read } = await twoInstances(t);
  const first = await read();
  t.equal((await read()).version, first.version, 'stable while nothing changes');
  await a.query(insertTag, ['from-a']);
  const after = await read();
  t.equal(after.version, first.version + 1);
  t.ok(after.changedAt >= first.changedAt, 'changedAt does not go back');
});

t.test('a scheduled article becomes the newest visible without any write', async (t) => {
  const { a, read } = await twoInstances(t);
  await a.query(`INSERT INTO bureaus (slug, name, created_at, updated_at) VALUES ('b', 'B', '${at}', '${at}')`);
  await a.query(
    `INSERT INTO articles (slug, headline, bureau_id, status, published_at, created_at, updated_at)
     VALUES ('soon', 'Soon', 1, 'published', '2030-01-01T00:00:00.000Z', '${at}', '${at}')`,
  );
  const before = await read(Date.parse('2029-12-31T23:59:59.000Z'));
  t.equal(before.newestVisible, null);
  const after = await read(Date.parse('2030-01-01T00:00:00.001Z'));
  t.equal(after.version, before.version, 'no write happened');
  t.equal(after.newestVisible, '2030-01-01T00:00:00.000Z');
});

t.test('concurrent checks share queries, but never one that began before them', async (t) => {
  const { a, read, seen, holdAnswers } = await twoInstances(t);
  const base = (await read()).version;
  seen.length = 0;
  await Promise.all(Array.from({ length: 50 }, () => read()));
  t.ok(seen.length <= 2, `50 concurrent checks cost ${seen.length} version queries`);

  // A check whose snapshot predates a write, still in flight when the write is acknowledged.
  let release!: () => void;
  holdAnswers(new Promise<void>((r) => (release = r)));
  const early = read();
  await new Promise((r) => setTimeout(r, 50)); // its query has run: the old version
  await a.query(insertTag, ['acknowledged']);
  const later = read();
  holdAnswers(undefined);
  release();
  t.equal((await early).version, base, 'the early check may answer the old version');
  t.equal((await later).version, base + 1, 'a check asked after the write sees it');
});
