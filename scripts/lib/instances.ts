// Several real server processes on one database, as a newsroom runs them behind a load
// balancer (issue 9). The database is a target of either engine, a SQLite file on this
// machine or a PostgreSQL database by URL, so a test written once runs on both; the
// processes are the compiled server (`node dist/server.js`) on their own ports.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { crash, freePort, startServer, waitReady, type Server } from './server.js';

export type Engine = 'sqlite' | 'postgres';

/** Where the instances keep their data; `dir` is where files beside a database go (the first-token file). */
export type DatabaseTarget = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string; dir: string };

/** The SQLite file, or for PostgreSQL a path that must never come to exist (see startInstances). */
export const fileOf = (target: DatabaseTarget) => (target.engine === 'sqlite' ? target.file : join(target.dir, 'must-not-exist.db'));

export const engineEnv = (target: DatabaseTarget): Record<string, string> =>
  target.engine === 'postgres' ? { DATABASE_URL: target.url } : {};

/**
 * Starts one instance per entry of `envs` at the same moment (as an orchestrator rolling out
 * a deployment does) and resolves when every one answers; if any fails, all are killed.
 */
export async function startInstances(target: DatabaseTarget, envs: Record<string, string>[]): Promise<Server[]> {
  const ports: number[] = [];
  for (const _ of envs) ports.push(await freePort());
  const servers = envs.map((env, i) => startServer(fileOf(target), ports[i]!, { ...env, ...engineEnv(target) }));
  try {
    await Promise.all(servers.map((s) => waitReady(s)));
  } catch (err) {
    await Promise.all(servers.map(crash));
    throw err;
  }
  // A server that does not know DATABASE_URL would quietly run on a SQLite file instead,
  // and the PostgreSQL row would test SQLite twice.
  if (target.engine === 'postgres' && existsSync(fileOf(target))) {
    await Promise.all(servers.map(crash));
    throw new Error('the server ignored DATABASE_URL and opened a SQLite file');
  }
  return servers;
}
