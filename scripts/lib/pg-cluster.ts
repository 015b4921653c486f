// A private PostgreSQL cluster that a test or script may stop, restart or kill: the shared
// server on 5432 carries every other test and must never be touched. Created with initdb in a
// temp dir on a free port (as user postgres when we are root: initdb refuses root), removed
// by destroy() or, whatever happens, when the process exits.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './server.js';

const run = promisify(execFile);

/** PostgreSQL 15's binaries (Debian's layout); PG_BIN overrides. */
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export type StopMode = 'smart' | 'fast' | 'immediate';

export type Cluster = {
  port: number;
  /** The cluster's `postgres` database as superuser `postgres` (trust auth, 127.0.0.1). */
  url: string;
  /** A URL for another database on this cluster. */
  urlOf: (database: string) => string;
  dir: string;
  start(): Promise<void>;
  stop(mode?: StopMode): Promise<void>;
  /** `pg_ctl restart`: every connection is cut, the server comes back on the same port. */
  restart(mode?: StopMode): Promise<void>;
  /** Stops the server (immediate) and removes its files; safe to call twice. */
  destroy(): Promise<void>;
  /** The server's own log, for a failure message. */
  log(): string;
};

const live = new Set<{ data: string; dir: string }>();

/** Last resort, synchronous: a test that failed or was interrupted still leaves nothing running. */
function destroyAllNow() {
  for (const c of live) {
    try {
      execFileSync(...asOwner(join(BIN, 'pg_ctl'), ['stop', '-D', c.data, '-m', 'immediate', '-w', '-t', '10']), { stdio: 'ignore' });
    } catch {
      // not running
    }
    rmSync(c.dir, { recursive: true, force: true });
  }
  live.clear();
}

let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.once('exit', destroyAllNow);
  // A signal ends the process without 'exit': clean up, then end as the signal would have
  // unless someone else handles it (a script's own handler exits, which runs the above).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      destroyAllNow();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

const isRoot = () => process.getuid?.() === 0;

/** The command as the cluster's owner: `runuser -u postgres --` when we are root. */
function asOwner(file: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim()));
    return { uid: uid!, gid: gid! };
  } catch {
    throw new Error('cannot create a private PostgreSQL cluster: running as root and there is no `postgres` user to run initdb as (install postgresql-15)');
  }
}

export async function createCluster(): Promise<Cluster> {
  if (!existsSync(join(BIN, 'initdb'))) {
    throw new Error(`cannot create a private PostgreSQL cluster: no initdb in ${BIN} (install postgresql-15, or set PG_BIN)`);
  }
  const owner = isRoot() ? postgresUser() : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dateline-pg-'));
  const data = join(dir, 'data');
  const entry = { data, dir };
  hookExit();
  live.add(entry);
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const port = await freePort();
  const pgCtl = (...args: string[]) => run(...asOwner(join(BIN, 'pg_ctl'), ['-D', data, ...args]));
  // fsync off: only the database's processes stop and start in these tests, never the
  // machine, so what a committed transaction wrote is in the OS cache either way.
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c max_connections=60`;
  const logFile = join(dir, 'server.log');
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const cluster: Cluster = {
    port,
    url,
    urlOf: (database) => url.replace(/\/postgres$/, `/${database}`),
    dir,
    start: async () => void (await pgCtl('start', '-w', '-t', '60', '-l', logFile, '-o', options)),
    stop: async (mode = 'fast') => void (await pgCtl('stop', '-w', '-t', '60', '-m', mode)),
    restart: async (mode = 'fast') => void (await pgCtl('restart', '-w', '-t', '60', '-m', mode, '-l', logFile, '-o', options)),
    destroy: async () => {
      if (!live.delete(entry)) return;
      await pgCtl('stop', '-w', '-t', '30', '-m', 'immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => {
      try {
        return execFileSync('tail', ['-n', '40', logFile], { encoding: 'utf8' });
      } catch {
        return '';
      }
    },
  };
  try {
    await run(...asOwner(join(BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']));
    await cluster.start();
  } catch (err) {
    const log = cluster.log();
    await cluster.destroy();
    throw new Error(`cannot create a private PostgreSQL cluster in ${dir}: ${(err as Error).message}\n${log}`);
  }
  return cluster;
}
