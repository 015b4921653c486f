import { eq } from 'drizzle-orm';
import type { Database } from '../../src/db/database.js';
import type { SqliteDatabase } from '../../src/db/sqlite.js';
import { headlineWords, markdownBody, prng } from '../../bench/text.js';

/**
 * Fills a fresh test database with `count` published articles for tests that need a table
 * big enough to be slow (the bounded-work tests). Straight SQL with one prepared insert, the
 * schema's triggers keep the search index; the stored HTML and text are the Markdown itself,
 * which search and lists do not care about, so no body is rendered. Deterministic per seed.
 * Each chunk is one unit of work on the writer connection, like any other write.
 */
export async function fillNewsroom(db: Database, count: number, words = 150, seed = 1126): Promise<void> {
  if (db.engine !== 'sqlite') return fillThroughDrizzle(db, count, words, seed);
  const sqlite = (db as SqliteDatabase).sqlite.writer;
  const rng = prng(seed);
  const stamp = '2025-01-01T00:00:00.000Z';
  sqlite.pragma('synchronous = OFF');
  await db.write(() => sqlite.prepare("INSERT INTO bureaus (slug, name, created_at, updated_at) VALUES ('big-desk', 'Big Desk', ?, ?)").run(stamp, stamp));
  const bureauId = (sqlite.prepare("SELECT id FROM bureaus WHERE slug = 'big-desk'").get() as { id: number }).id;
  const insert = sqlite.prepare(
    `INSERT INTO articles (slug, headline, body, body_html, body_text, word_count, bureau_id, language, status,
       published_at, announced_at, version, created_at, updated_at)
     VALUES (@slug, @headline, @body, @body, @body, ${words}, ${bureauId}, 'en', 'published', @at, @at, 1, @at, @at)`,
  );
  const batch = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const hw = headlineWords(rng);
      const at = new Date(Date.parse(stamp) + i * 60_000).toISOString();
      insert.run({ slug: `${hw.join('-')}-${i}`, headline: hw.join(' '), body: markdownBody(rng, words), at });
    }
  };
  for (let from = 0; from < count; from += 2000) await db.write(() => batch(from, Math.min(count, from + 2000)));
  sqlite.pragma('synchronous = NORMAL');
}

/** The same rows through the query builder, in multi-row inserts: any engine. */
async function fillThroughDrizzle(db: Database, count: number, words: number, seed: number): Promise<void> {
  const { articles, bureaus } = db.tables;
  const rng = prng(seed);
  const stamp = '2025-01-01T00:00:00.000Z';
  await db.write(() => db.conn.insert(bureaus).values({ slug: 'big-desk', name: 'Big Desk', createdAt: stamp, updatedAt: stamp }));
  const [{ id: bureauId }] = (await db.conn.select({ id: bureaus.id }).from(bureaus).where(eq(bureaus.slug, 'big-desk'))) as [{ id: number }];
  for (let from = 0; from < count; from += 500) {
    const rows: (typeof articles.$inferInsert)[] = [];
    for (let i = from; i < Math.min(count, from + 500); i++) {
      const hw = headlineWords(rng);
      const at = new Date(Date.parse(stamp) + i * 60_000).toISOString();
      const body = markdownBody(rng, words);
      rows.push({ slug: `${hw.join('-')}-${i}`, headline: hw.join(' '), body, bodyHtml: body, bodyText: body, wordCount: words, bureauId, status: 'published' as const, publishedAt: at, announcedAt: at, createdAt: at, updatedAt: at });
    }
    await db.write(() => db.conn.insert(articles).values(rows));
  }
}
