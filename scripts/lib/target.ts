// Where a server under test keeps its data, on either engine: a SQLite file on this machine
// or a PostgreSQL database by URL, so a test or script written once runs on both.
import { join } from 'node:path';

export type Engine = 'sqlite' | 'postgres';

/** Where the instances keep their data; `dir` is where files beside a database go (the first-token file). */
export type DatabaseTarget = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string; dir: string };

/** A bare path is a SQLite file. */
export const targetOf = (where: string | DatabaseTarget): DatabaseTarget => (typeof where === 'string' ? { engine: 'sqlite', file: where } : where);

/**
 * The SQLite file, or for PostgreSQL a path that must never come to exist: the server's
 * DATABASE_FILE, whose directory is where it writes the first-token file.
 */
export const fileOf = (target: DatabaseTarget) => (target.engine === 'sqlite' ? target.file : join(target.dir, 'must-not-exist.db'));

export const engineEnv = (target: DatabaseTarget): Record<string, string> =>
  target.engine === 'postgres' ? { DATABASE_URL: target.url } : {};
