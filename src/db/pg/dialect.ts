import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

// Where PostgreSQL's defaults differ from SQLite's, these pin SQLite's behaviour, so one
// repository code path gives the same rows on both engines.

/**
 * SQLite sorts NULL lowest: first ascending, last descending. PostgreSQL's default is the
 * opposite, so ordering is spelled out; the pg indexes on nullable sort keys are declared
 * `NULLS FIRST` (src/db/pg/schema.ts), so both directions walk them without a sort.
 */
export const ascNullsLowest = (column: AnyColumn | SQL): SQL => sql`${column} ASC NULLS FIRST`;
export const descNullsLowest = (column: AnyColumn | SQL): SQL => sql`${column} DESC NULLS LAST`;

/**
 * `column IN (ids)` as one array parameter: one statement text (and one cached plan) for any
 * number of ids, where SQLite uses json_each for the same reason.
 */
export const inIds = (column: PgColumn, ids: readonly number[]): SQL => sql`${column} = ANY(${sql.param(ids)}::integer[])`;

/** PostgreSQL's unique_violation, optionally on one constraint or unique index by name. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  // Drizzle wraps driver errors in a DrizzleQueryError whose `cause` is the pg error.
  if (e.code !== '23505') return e.cause !== undefined && e.cause !== err ? isUniqueViolation(e.cause, constraint) : false;
  return constraint === undefined || e.constraint === constraint;
}
