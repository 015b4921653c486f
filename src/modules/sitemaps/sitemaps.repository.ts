import { and, desc, eq, gt, lte, max, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.js';

export type ListedKind = 'bureaus' | 'authors' | 'tags';

// Sitemap pages are id ranges, so page N is addressable without counting or walking the
// pages before it: each page query seeks into an index at its first id and reads at most
// one page's worth of rows (see EXPLAIN in the README). The index needs only max(id).
export function createSitemapsRepository(db: Database) {
  const { articles, authors, bureaus, tags } = db.tables;
  const tables = { bureaus, authors, tags } as const;
  const publicArticle = (now: string) => and(eq(articles.status, 'published'), lte(articles.publishedAt, now));
  return {
    async maxId(kind: 'articles' | ListedKind): Promise<number> {
      const table = kind === 'articles' ? articles : tables[kind];
      const [row] = await db.conn.select({ n: max(table.id) }).from(table);
      return row?.n ?? 0;
    },

    /** Public articles with lo < id <= hi, read from the covering articles_sitemap_idx. */
    articles: (lo: number, hi: number, now: string) =>
      db.conn
        .select({ id: articles.id, slug: articles.slug, publishedAt: articles.publishedAt, updatedAt: articles.updatedAt, bureauSlug: bureaus.slug })
        .from(articles)
        .innerJoin(bureaus, eq(bureaus.id, articles.bureauId))
        .where(and(eq(articles.status, 'published'), gt(articles.id, lo), lte(articles.id, hi), lte(articles.publishedAt, now)))
        .orderBy(articles.id),

    items: (kind: ListedKind, lo: number, hi: number) => {
      const t = tables[kind];
      return db.conn
        .select({ id: t.id, slug: t.slug, updatedAt: t.updatedAt })
        .from(t)
        .where(and(gt(t.id, lo), lte(t.id, hi)))
        .orderBy(t.id);
    },

    /** Published in (since, now], newest first: walks articles_status_published_idx backwards. */
    news: (since: string, now: string, limit: number) =>
      db.conn
        .select({
          id: articles.id,
          slug: articles.slug,
          headline: articles.headline,
          language: articles.language,
          publishedAt: sql<string>`${articles.publishedAt}`,
          bureauSlug: bureaus.slug,
        })
        .from(articles)
        .innerJoin(bureaus, eq(bureaus.id, articles.bureauId))
        .where(and(publicArticle(now), gt(articles.publishedAt, since)))
        .orderBy(desc(articles.publishedAt), desc(articles.id))
        .limit(limit),
  };
}
