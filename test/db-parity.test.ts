import { getTableName, is, Table } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import t from 'tap';
import * as pg from '../src/db/pg/schema.js';
import * as sqlite from '../src/db/schema.js';

// Drizzle has no dialect-neutral table, so the two schema files are held together here: the
// same tables, columns, keys and indexes, and (at compile time, below) the same row types, so
// one repository code path can serve both engines.

// ---- Compile time: `npx tsc -p .` fails if a row type differs between the engines. ----
// Strict identity (not mere assignability) of the flattened types: Drizzle builds row types
// as intersections whose grouping differs between dialects even when the rows are the same.
type Flat<T> = { [K in keyof T]: T[K] };
type Equal<A, B> = (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false;
type TablesOf<M> = { [K in keyof M]: M[K] extends Table ? K : never }[keyof M];
type SqliteTables = TablesOf<typeof sqlite>;
type PgTables = TablesOf<typeof pg>;
type RowsMatch = {
  [K in SqliteTables & PgTables]: [
    Equal<(typeof sqlite)[K] extends Table ? (typeof sqlite)[K]['$inferSelect'] : never, (typeof pg)[K] extends Table ? (typeof pg)[K]['$inferSelect'] : never>,
    Equal<(typeof sqlite)[K] extends Table ? (typeof sqlite)[K]['$inferInsert'] : never, (typeof pg)[K] extends Table ? (typeof pg)[K]['$inferInsert'] : never>,
  ];
};
const assertTrue = <T extends true>(ok: T) => ok;
assertTrue<Equal<SqliteTables, PgTables>>(true);
// The names of tables whose rows differ: tsc prints them when this is not `never`.
type Differing = { [K in keyof RowsMatch]: RowsMatch[K] extends [true, true] ? never : K }[keyof RowsMatch];
const noneDiffer = <T extends never>(ok: [T] extends [never] ? true : T) => ok;
noneDiffer<Differing>(true);

// ---- Run time: the shape each engine's migrations are generated from. ----
type Shape = {
  columns: Record<string, { notNull: boolean; default: unknown }>;
  primaryKey: string[];
  unique: Record<string, string[]>;
  indexes: Record<string, string[]>;
  foreignKeys: string[];
};

// A literal default is compared as a value; an SQL default ("now" in each dialect) as its presence.
const defaultOf = (c: { hasDefault: boolean; default: unknown }) =>
  !c.hasDefault ? undefined : typeof c.default === 'object' && c.default !== null ? 'sql' : c.default;

type AnyConfig = ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>;
type AnyColumn = AnyConfig['columns'][number];
type IndexColumn = { name: string } | object;

function shape(config: AnyConfig): Shape {
  const columns = config.columns as AnyColumn[];
  const names = (cols: readonly IndexColumn[]) => cols.map((c) => ('name' in c ? c.name : '(expression)'));
  const unique: Record<string, string[]> = {};
  const indexes: Record<string, string[]> = {};
  for (const c of columns) if (c.isUnique) unique[c.uniqueName!] = [c.name];
  for (const i of config.indexes) (i.config.unique ? unique : indexes)[i.config.name!] = names(i.config.columns as IndexColumn[]);
  const pk = config.primaryKeys[0];
  return {
    columns: Object.fromEntries(columns.map((c) => [c.name, { notNull: c.notNull, default: defaultOf(c) }])),
    primaryKey: pk ? pk.columns.map((c) => c.name) : columns.filter((c) => c.primary).map((c) => c.name),
    unique,
    indexes,
    foreignKeys: config.foreignKeys
      .map((fk) => {
        const r = fk.reference();
        return `${r.columns.map((c) => c.name).join(',')} -> ${getTableName(r.foreignTable)}(${r.foreignColumns.map((c) => c.name).join(',')}) on delete ${fk.onDelete}`;
      })
      .sort(),
  };
}

const sqliteTables: SQLiteTable[] = Object.values(sqlite).flatMap((v) => (is(v, SQLiteTable) ? [v] : []));
const pgTables: PgTable[] = Object.values(pg).flatMap((v) => (is(v, PgTable) ? [v] : []));

t.test('both schemas have the same tables', async (t) => {
  t.ok(sqliteTables.length > 10, 'the SQLite schema was read');
  t.same(pgTables.map(getTableName).sort(), sqliteTables.map(getTableName).sort());
});

t.test('each table has the same columns, keys and indexes on both engines', async (t) => {
  const pgByName = new Map(pgTables.map((p) => [getTableName(p), p]));
  for (const table of sqliteTables) {
    const name = getTableName(table);
    const twin = pgByName.get(name);
    if (!twin) continue; // reported by the test above
    t.same(shape(pgConfig(twin)), shape(sqliteConfig(table)), name);
  }
});

// ORDER BY, keyset cursors and slug ranges rely on bytewise text comparison, which SQLite
// has by default and PostgreSQL only with COLLATE "C" (src/db/pg/text.ts).
t.test('every PostgreSQL text column compares bytewise', async (t) => {
  for (const table of pgTables) {
    for (const c of pgConfig(table).columns) {
      if (c.getSQLType().startsWith('text')) t.equal(c.getSQLType(), 'text COLLATE "C"', `${getTableName(table)}.${c.name}`);
    }
  }
});
