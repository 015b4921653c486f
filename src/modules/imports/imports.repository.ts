import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { prepared } from '../../db/prepared.js';
import { authors, bureaus, importSources, tags } from '../../db/schema.js';

export type ImportSource = typeof importSources.$inferSelect;

/** Queries of the import module: where imported articles came from, and names to match. */
export function createImportsRepository(db: Db) {
  return {
    byHash: (contentHash: string) =>
      prepared(db, 'imports.byHash', () =>
        db.select().from(importSources).where(eq(importSources.contentHash, sql.placeholder('h'))).prepare(),
      ).get({ h: contentHash }) as ImportSource | undefined,

    byUri: (uri: string) =>
      prepared(db, 'imports.byUri', () => db.select().from(importSources).where(eq(importSources.uri, sql.placeholder('uri'))).prepare()).all({
        uri,
      }) as ImportSource[],

    record: (row: typeof importSources.$inferInsert) =>
      prepared(db, 'imports.record', () =>
        db
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
      ).run({ uri: null, version: null, versionCreated: null, ...row }),

    /** Every bureau, author or tag name with its id: newsrooms have hundreds, not millions. */
    names: (what: 'bureau' | 'author' | 'tag') => {
      const table = what === 'bureau' ? bureaus : what === 'author' ? authors : tags;
      return prepared(db, `imports.names:${what}`, () => db.select({ id: table.id, name: table.name }).from(table).orderBy(table.id).prepare()).all() as {
        id: number;
        name: string;
      }[];
    },
  };
}

export type ImportsRepository = ReturnType<typeof createImportsRepository>;
