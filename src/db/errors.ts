import { AppError } from '../errors.js';
import { busy } from './unit-of-work.js';

// What the database's own failures mean to a client. A database that is restarting, or a
// lock or statement that ran out of time, is a 503 with Retry-After that the client can
// retry, never a 500: nothing about the request was wrong and nothing was half-written (the
// transaction rolled back).

export const unavailable = (what: string) =>
  new AppError('database_unavailable', `The database cannot be reached (${what}); retry shortly`, { extra: { retryAfter: 2 } });

// SQLSTATE classes and codes (https://www.postgresql.org/docs/15/errcodes-appendix.html).
// Not a SQLSTATE: the pool's own "no connection freed in time" (every connection is busy).
const POOL_WAIT = 'pool';
const BUSY_CODES: Record<string, string> = {
  [POOL_WAIT]: 'waiting for a connection',
  '55P03': 'waiting for a lock', // lock_not_available: lock_timeout
  '40001': 'a conflicting transaction', // serialization_failure
  '40P01': 'a deadlock', // deadlock_detected
  '53300': 'too many connections', // too_many_connections
};
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '08007', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// node-postgres reports a dropped connection, and a pool that freed no connection in time,
// with messages, not codes.
const DROPPED = /Connection terminated|Client has encountered a connection error|connection is closed|Client was closed/i;
const POOL_TIMEOUT = /timeout exceeded when trying to connect/i;

function codeOf(err: unknown): { code?: string; message: string } | undefined {
  // Drizzle wraps driver errors (DrizzleQueryError) with the driver's error as `cause`.
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as typeof e, i++) {
    if (typeof e.code === 'string' && (BUSY_CODES[e.code] || UNAVAILABLE_CODES.has(e.code) || e.code === CANCELED)) return { code: e.code, message: String(e.message) };
    if (typeof e.message === 'string' && POOL_TIMEOUT.test(e.message)) return { code: POOL_WAIT, message: e.message };
    if (typeof e.message === 'string' && DROPPED.test(e.message)) return { message: e.message };
  }
  return undefined;
}

// query_canceled: statement_timeout (the budget of a read or of a statement in a unit of work).
const CANCELED = '57014';

/** The 503 a database failure should be, or undefined for errors that are not the database's. */
export function fromDatabaseError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return undefined;
  const found = codeOf(err);
  if (!found) return undefined;
  if (found.code === CANCELED) {
    return new AppError('query_timeout', 'The query did not finish within its time budget; narrow it or retry later', { extra: { retryAfter: 2 } });
  }
  if (found.code && BUSY_CODES[found.code]) return busy(BUSY_CODES[found.code]!);
  return unavailable(found.code ?? 'connection lost');
}
