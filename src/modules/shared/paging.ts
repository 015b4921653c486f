import { and, asc, desc, gt, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { decodeCursor, encodeCursor } from '../../lib/cursor.js';
import type { PagingInput } from './schemas.js';

export type SortSpec = { name: string; column: SQLiteColumn; dir: 'asc' | 'desc'; nullable?: boolean };

export type ListMeta = { limit: number; offset?: number; nextCursor: string | null; total?: number };

/** The WHERE part that starts a page after the cursor's row, in the sort's order. */
export function afterCursor(sort: SortSpec, id: SQLiteColumn, paging: PagingInput): SQL | undefined {
  if (paging.cursor === undefined) return undefined;
  if (paging.offset !== undefined) {
    throw new AppError('validation_failed', 'Use either `cursor` or `offset`, not both', {
      errors: [{ path: 'query.offset', message: 'Cannot be combined with cursor' }],
    });
  }
  const c = decodeCursor(paging.cursor);
  if (!c || c.sort !== sort.name) {
    throw new AppError('invalid_cursor', 'The cursor is malformed or was made for another sort order', {
      errors: [{ path: 'query.cursor', message: 'Use the `meta.nextCursor` of a page with the same sort' }],
    });
  }
  // Row values let SQLite seek straight into the index. NULL sorts lowest in SQLite: last
  // when descending, first when ascending, so nullable keys need the extra branches.
  const after = sort.dir === 'desc' ? sql`(${sort.column}, ${id}) < (${c.key}, ${c.id})` : sql`(${sort.column}, ${id}) > (${c.key}, ${c.id})`;
  if (c.key === null) {
    return sort.dir === 'desc'
      ? and(isNull(sort.column), lt(id, c.id))
      : or(and(isNull(sort.column), gt(id, c.id)), isNotNull(sort.column));
  }
  return sort.dir === 'desc' && sort.nullable ? or(after, isNull(sort.column)) : after;
}

/**
 * ORDER BY for a sort. A nullable key spells out SQLite's NULL order (lowest), which
 * PostgreSQL's default reverses; SQLite serves the spelled-out order from the same index, and
 * PostgreSQL's indexes on such keys are declared NULLS FIRST (src/db/pg/schema.ts) to match.
 * Keys that cannot be NULL keep the plain order, which both engines' default indexes serve.
 */
export const orderFor = (sort: SortSpec, id: SQLiteColumn) => {
  const key = sort.column.notNull
    ? (sort.dir === 'desc' ? desc : asc)(sort.column)
    : sort.dir === 'desc'
      ? sql`${sort.column} desc nulls last`
      : sql`${sort.column} asc nulls first`;
  return [key, sort.dir === 'desc' ? desc(id) : asc(id)];
};

/** Rows were fetched with limit + 1: the extra one only says whether a next page exists. */
export function finishPage<T extends { id: number }>(
  rows: T[],
  paging: PagingInput,
  sort: SortSpec,
  keyOf: (row: T) => string | null,
  total?: number,
): { rows: T[]; meta: ListMeta } {
  const more = rows.length > paging.limit;
  const page = more ? rows.slice(0, paging.limit) : rows;
  const last = page.at(-1);
  const nextCursor = more && last ? encodeCursor({ sort: sort.name, key: keyOf(last), id: last.id }) : null;
  return {
    rows: page,
    meta: {
      limit: paging.limit,
      ...(paging.offset !== undefined ? { offset: paging.offset } : {}),
      nextCursor,
      ...(total !== undefined ? { total } : {}),
    },
  };
}

/** RFC 8288 `Link` header; the next page keeps the paging style the client chose. */
export function setLinkHeader(req: FastifyRequest, reply: FastifyReply, meta: ListMeta): void {
  if (meta.nextCursor === null) return;
  const url = new URL(req.url, 'http://placeholder');
  if (meta.offset !== undefined) {
    url.searchParams.set('offset', String(meta.offset + meta.limit));
  } else {
    url.searchParams.set('cursor', meta.nextCursor);
  }
  reply.header('link', `<${url.pathname}${url.search}>; rel="next"`);
}

/** The query string of a request URL, `?` included, or ''. */
export const queryOf = (url: string) => {
  const i = url.indexOf('?');
  return i === -1 ? '' : url.slice(i);
};
