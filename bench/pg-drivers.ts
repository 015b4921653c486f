// `npx tsx bench/pg-drivers.ts [--seconds S] [--concurrency C]`
// node-postgres (pg.Pool) against postgres.js, both through Drizzle with the real pg schema,
// on the shapes Dateline's requests have: a single-row primary-key read, a 20-row list with
// its two IN queries (bylines, tags), and a create transaction of eight inserts. It creates
// and drops its own database on the PostgreSQL of DATABASE_URL (default: local `test`).
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { desc, eq, inArray, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzleJs } from 'drizzle-orm/postgres-js';
import pg from 'pg';
import postgres from 'postgres';
import * as s from '../src/db/pg/schema.js';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, concurrency: { type: 'string' } } });
const SECONDS = Number(values.seconds ?? 5);
const CONCURRENCY = Number(values.concurrency ?? 16);
const POOL = 10;
const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const name = `pg_schema_drivers_${process.pid}_${randomBytes(3).toString('hex')}`;
const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();

const now = () => new Date().toISOString();
const body = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(90);

async function seed(db: ReturnType<typeof drizzlePg<typeof s>>) {
  const t = now();
  await db.insert(s.bureaus).values({ slug: 'b', name: 'Bureau', createdAt: t, updatedAt: t });
  await db.insert(s.authors).values(Array.from({ length: 50 }, (_, i) => ({ slug: `a${i}`, name: `Author ${i}`, createdAt: t, updatedAt: t })));
  await db.insert(s.tags).values(Array.from({ length: 30 }, (_, i) => ({ slug: `t${i}`, name: `Tag ${i}`, createdAt: t, updatedAt: t })));
  for (let chunk = 0; chunk < 20; chunk++) {
    const rows = Array.from({ length: 100 }, (_, i) => {
      const n = chunk * 100 + i;
      const at = new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString();
      return { slug: `article-${n}`, headline: `Headline ${n}`, bureauId: 1, status: 'published' as const, publishedAt: at, body, bodyHtml: body, bodyText: body, createdAt: at, updatedAt: at };
    });
    const ids = await db.insert(s.articles).values(rows).returning({ id: s.articles.id });
    await db.insert(s.articleAuthors).values(ids.flatMap(({ id }) => [0, 1].map((p) => ({ articleId: id, authorId: ((id + p * 7) % 50) + 1, position: p }))));
    await db.insert(s.articleTags).values(ids.flatMap(({ id }) => [0, 1, 2].map((k) => ({ articleId: id, tagId: ((id + k * 11) % 30) + 1 }))));
  }
}

type Db = ReturnType<typeof drizzlePg<typeof s>> | ReturnType<typeof drizzleJs<typeof s>>;

function workloads(db: Db) {
  const byId = db.select().from(s.articles).where(eq(s.articles.id, sql.placeholder('id'))).prepare('bench_pk');
  const page = db
    .select({ id: s.articles.id, slug: s.articles.slug, headline: s.articles.headline, publishedAt: s.articles.publishedAt })
    .from(s.articles)
    .where(eq(s.articles.status, 'published'))
    .orderBy(sql`${s.articles.publishedAt} DESC NULLS LAST`, desc(s.articles.id)) // as the index sorts it
    .limit(20)
    .prepare('bench_page');
  let created = 0;
  return {
    pk: () => byId.execute({ id: 1 + Math.floor(Math.random() * 2000) }),
    list: async () => {
      const rows = await page.execute();
      const ids = rows.map((r) => r.id);
      await Promise.all([
        db.select({ articleId: s.articleAuthors.articleId, name: s.authors.name }).from(s.articleAuthors).innerJoin(s.authors, eq(s.authors.id, s.articleAuthors.authorId)).where(inArray(s.articleAuthors.articleId, ids)),
        db.select({ articleId: s.articleTags.articleId, name: s.tags.name }).from(s.articleTags).innerJoin(s.tags, eq(s.tags.id, s.articleTags.tagId)).where(inArray(s.articleTags.articleId, ids)),
      ]);
    },
    tx: () =>
      (db as ReturnType<typeof drizzlePg<typeof s>>).transaction(async (tx) => {
        const t = now();
        const n = `${process.pid}-${created++}-${Math.random()}`;
        const [a] = await tx.insert(s.articles).values({ slug: `new-${n}`, headline: `New ${n}`, bureauId: 1, body, bodyHtml: body, bodyText: body, createdAt: t, updatedAt: t }).returning({ id: s.articles.id });
        for (let p = 0; p < 3; p++) await tx.insert(s.articleAuthors).values({ articleId: a!.id, authorId: p + 1, position: p });
        for (let k = 0; k < 3; k++) await tx.insert(s.articleTags).values({ articleId: a!.id, tagId: k + 1 });
        await tx.insert(s.articleRevisions).values({ articleId: a!.id, version: 1, snapshot: { n }, actorName: 'bench', actorRole: 'admin', createdAt: t });
      }),
  };
}

async function run(op: () => Promise<unknown>): Promise<{ perSec: number; p50: number; p99: number }> {
  const lat: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await op();
        lat.push(performance.now() - t0);
      }
    }),
  );
  lat.sort((a, b) => a - b);
  const at = (q: number) => Number(lat[Math.floor(q * (lat.length - 1))]!.toFixed(2));
  return { perSec: Math.round(lat.length / SECONDS), p50: at(0.5), p99: at(0.99) };
}

const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
try {
  const setup = new pg.Pool({ connectionString: url, max: 2 });
  const setupDb = drizzlePg(setup, { schema: s });
  await migrate(setupDb, { migrationsFolder: resolve(import.meta.dirname, '../migrations/pg') });
  await seed(setupDb);
  await setup.end();

  const results: Record<string, unknown>[] = [];
  const drivers = {
    'node-postgres': () => {
      const pool = new pg.Pool({ connectionString: url, max: POOL });
      return { db: drizzlePg(pool, { schema: s }), close: () => pool.end() };
    },
    'postgres.js': () => {
      const client = postgres(url, { max: POOL, onnotice: () => {} });
      return { db: drizzleJs(client, { schema: s }), close: () => client.end() };
    },
  };
  // Two rounds, alternating, so neither driver always runs on a warmer server.
  for (const round of [1, 2]) {
    for (const [driver, open] of Object.entries(drivers)) {
      const { db, close } = open();
      const w = workloads(db);
      await run(w.pk); // warm-up: connections, plans
      for (const [shape, op] of Object.entries(w)) results.push({ round, driver, shape, ...(await run(op)) });
      await close();
    }
  }
  console.table(results);
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
