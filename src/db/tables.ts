import type { Table } from 'drizzle-orm';
import * as pgSchema from './pg/schema.js';
import * as sqliteSchema from './schema.js';

type TableNames = { [K in keyof typeof sqliteSchema]: (typeof sqliteSchema)[K] extends Table ? K : never }[keyof typeof sqliteSchema];

/** Every table, as repositories see them: `db.tables.articles`. */
export type Tables = Pick<typeof sqliteSchema, TableNames>;

export const sqliteTables: Tables = sqliteSchema;

/**
 * PostgreSQL's tables, typed as SQLite's. Drizzle builds SQL from the table objects it is
 * given (a pg query builder needs pg tables: joins and updates check for them at run time),
 * but its types differ per dialect, so repositories written once against one set of types
 * need one of them to stand for both. The cast is sound where it matters to the code that
 * uses it: test/db-parity.test.ts fails the type check if a table's select or insert row type
 * differs between the two schema files, and at run time if a column, key or index does.
 * What the cast hides is the query-builder API each engine offers beyond the common one;
 * repositories keep to the common one (await the builder; `.prepare()`/`.execute()`), and
 * the suite runs on both engines to hold them to it.
 */
export const pgTables = pgSchema as unknown as Tables;
