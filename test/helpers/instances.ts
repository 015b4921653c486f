import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { adminTokenIn, readDatabase } from '../../scripts/lib/db.js';
import { client, type Call } from '../../scripts/lib/http.js';
import { startInstances } from '../../scripts/lib/instances.js';
import { stop, type Server } from '../../scripts/lib/server.js';
import type { DatabaseTarget, Engine } from '../../scripts/lib/target.js';
import { emptyPgDatabase, freshPgDatabase } from './pg.js';

/**
 * The engine the tests that start server processes run on: SQLite unless DATELINE_TEST_ENGINE=postgres,
 * which the PostgreSQL run of the suite sets (with DATABASE_URL naming the server that
 * test databases are created on, see helpers/pg.ts).
 */
export const engine: Engine = process.env.DATELINE_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/**
 * Webhook receivers in these tests listen on loopback. NODE_OPTIONS is emptied: tap puts its
 * process-info and coverage hook there, which doubles a server's start and slows every request
 * of these behaviour tests (the in-process suite measures coverage).
 */
export const instanceEnv = { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_TIMEOUT_MS: '2000', NODE_OPTIONS: '' };

export type Shared = { target: DatabaseTarget; dir: string };

/**
 * A database of this run's engine for one test. Tokens come the way an operator's first one
 * does: the first instance to start finds none and writes one to `first-admin-token` beside
 * the database (see adminToken), so the helpers need no engine's internals. SQLite files
 * start empty (the instances migrate them); PostgreSQL ones are copies of the migrated
 * template unless `migrated: false`.
 */
export async function sharedDatabase(t: Test, opts: { migrated?: boolean } = {}): Promise<Shared> {
  const dir = mkdtempSync(join(tmpdir(), 'dateline-multi-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  if (engine === 'sqlite') return { target: { engine, file: join(dir, 'dateline.db') }, dir };
  const { url } = opts.migrated === false ? await emptyPgDatabase(t) : await freshPgDatabase(t);
  return { target: { engine, url, dir }, dir };
}

/** The first admin token, written by whichever instance created it. */
export const adminToken = (db: Shared) => readFileSync(join(db.dir, 'first-admin-token'), 'utf8').trim();

/** A migrated database of this run's engine with an admin token made before any server starts (scripts/lib/db.ts). */
export async function databaseWithToken(t: Test): Promise<Shared & { token: string }> {
  const db = await sharedDatabase(t);
  return { ...db, token: await adminTokenIn(db.target) };
}

/** Starts the instances together and stops them (SIGTERM, then SIGKILL) in the test's teardown. */
export async function instances(t: Test, target: DatabaseTarget, envs: Record<string, string>[]): Promise<Server[]> {
  const servers = await startInstances(target, envs.map((env) => ({ ...instanceEnv, ...env })));
  t.teardown(() => Promise.all(servers.map((s) => stop(s, 5000))));
  return servers;
}

/** One API client per instance, all with the same token. */
export const clients = (servers: Server[], token: string): Call[] => servers.map((s) => client(s.url, token));

/** Rows of one query (`?` parameters) on the target's database, from outside the servers (scripts/lib/db.ts's readDatabase). */
export const readTarget = <T = Record<string, unknown>>(target: DatabaseTarget, text: string, ...params: unknown[]): Promise<T[]> =>
  readDatabase(target, (query) => query<T>(text, ...params));

/** Rows in drizzle's migrations table: one per applied migration. */
export async function appliedMigrations(_t: Test, target: DatabaseTarget): Promise<number> {
  const table = target.engine === 'sqlite' ? '__drizzle_migrations' : 'drizzle.__drizzle_migrations';
  const [row] = await readTarget<{ n: number | string }>(target, `SELECT count(*) AS n FROM ${table}`);
  return Number(row!.n);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 100 ms until it is true or `timeoutMs` passes; says which. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}

/** Log lines at error level or worse (pino: 50+) that the instances wrote so far: a race that failed quietly shows here. */
export const errorLogs = (servers: Server[]) =>
  servers.flatMap((s) =>
    s
      .output()
      .split('\n')
      .filter((line) => /"level":(5\d|60)/.test(line) || /^(Error|Failed)/.test(line))
      .map((line) => `${s.url}: ${line.slice(0, 500)}`),
  );
