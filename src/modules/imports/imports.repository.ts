import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';
import type { importSources } from '../../db/schema.js';

export type ImportSource = typeof importSources.$inferSelect;

/** Queries of the import module: where imported articles came from, and names to match. */
export function createImportsRepository(db: Database) {
  const { authors, bureaus, importSources, tags } = db.tables;
  return {
    async byHash(contentHash: string): Promise<ImportSource | undefined> {
      const c = db.conn;
      const query = prepared(c, 'imports.byHash', () => c.select().from(importSources).where(eq(importSources.contentHash, sql.placeholder('h'))).prepare());
      return (await query.execute({ h: contentHash }))[0];
    },

    async byUri(uri: string): Promise<ImportSource[]> {
      const c = db.conn;
      const query = prepared(c, 'imports.byUri', () => c.select().from(importSources).where(eq(importSources.uri, sql.placeholder('uri'))).prepare());
      return query.execute({ uri });
    },

    async record(row: typeof importSources.$inferInsert): Promise<void> {
      const c = db.conn;
      const insert = prepared(c, 'imports.record', () =>
        c
          .insert(importSources)
          .values({
            contentHash: sql.placeholder('contentHash'),
            kind: sql.placeholder('kind'),
            articleId: sql.placeholder('articleId'),
            uri: sql.placeholder('uri'),
            version: sql.placeholder('version'),
            versionCreated: sql.placeholder('versionCreated'),
            createdAt: sql.placeholder('createdAt'),
          } as unknown as typeof importSources.$inferInsert)
          .prepare(),
      );
      await insert.execute({ uri: null, version: null, versionCreated: null, ...row });
    },

    /** Every bureau, author or tag name with its id: newsrooms have hundreds, not millions. */
    async names(what: 'bureau' | 'author' | 'tag'): Promise<{ id: number; name: string }[]> {
      const table = what === 'bureau' ? bureaus : what === 'author' ? authors : tags;
      const c = db.conn;
      const query = prepared(c, `imports.names:${what}`, () => c.select({ id: table.id, name: table.name }).from(table).orderBy(table.id).prepare());
      return query.execute();
    },
  };
}

export type ImportsRepository = ReturnType<typeof createImportsRepository>;
