// The real server as a child process on 127.0.0.1, for the crash, drain and soak scripts:
// compiled, as `npm start` runs it (`node dist/server.js`), built once per process. Every
// child is tracked and SIGKILLed however the parent ends, so no run leaves a server behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { buildServer, root, serverEntry } from './build.js';
import { engineEnv, fileOf, targetOf, type DatabaseTarget } from './target.js';

export { root };

export type Server = {
  proc: ChildProcess;
  pid: number;
  port: number;
  url: string;
  /** Last 16 KB of stdout and stderr. */
  output: () => string;
  /** Everything written to stderr. */
  stderr: () => string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** On PostgreSQL, the SQLite file the server would open if it ignored DATABASE_URL (see waitReady). */
  unusedFile?: string;
};

const children = new Set<ChildProcess>();
const alive = (p: ChildProcess) => p.exitCode === null && p.signalCode === null;

/** Synchronous last resort for exit handlers: SIGKILL every child still running. */
export function killAll(): void {
  for (const proc of children) if (alive(proc)) proc.kill('SIGKILL');
}
process.once('exit', killAll);

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

/**
 * Defaults that keep a test about crashes or drains from measuring something else: the
 * per-client rate limit is off (every request comes from 127.0.0.1 with one token).
 */
export const quietEnv = { HOST: '127.0.0.1', LOG_LEVEL: 'warn', DEMO_DATA: 'false', RATE_LIMIT_PER_MINUTE: '0' };

/** Starts the server on a database of either engine; a bare path is a SQLite file. */
export function startServer(database: string | DatabaseTarget, port: number, env: Record<string, string> = {}): Server {
  buildServer();
  const target = targetOf(database);
  // The engine is the caller's choice, never inherited: a suite run on PostgreSQL sets
  // DATABASE_URL in this process, and a child meant for a SQLite file must not pick it up
  // (an undefined value leaves the variable out of the child's environment).
  const server = spawnNode(serverEntry, port, { DATABASE_URL: undefined, ...quietEnv, ...env, ...engineEnv(target), DATABASE_FILE: fileOf(target), HOST: '127.0.0.1' });
  return target.engine === 'postgres' ? { ...server, unusedFile: fileOf(target) } : server;
}

/**
 * `node <file>` with PORT set, tracked so killAll reaches it; keeps the last `tailBytes` of
 * its output. The one way scripts and the benchmark start a child.
 */
export function spawnNode(file: string, port: number, env: Record<string, string | undefined>, tailBytes = 16_384): Server {
  const proc = spawn(process.execPath, [file], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error('could not spawn the server');
  children.add(proc);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
    proc.once('exit', (code, signal) => {
      children.delete(proc);
      ok({ code, signal });
    }),
  );
  let tail = '';
  let err = '';
  proc.stdout?.on('data', (c: Buffer) => (tail = (tail + c.toString()).slice(-tailBytes)));
  proc.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
    tail = (tail + c.toString()).slice(-tailBytes);
  });
  return { proc, pid: proc.pid, port, url: `http://127.0.0.1:${port}`, output: () => tail, stderr: () => err, exited };
}

/**
 * Polls a cheap public read until it answers 200; returns the milliseconds it took. A server
 * meant for PostgreSQL that opened a SQLite file instead fails here: a PostgreSQL run would
 * otherwise quietly test SQLite twice.
 */
export async function waitReady(server: Server, timeoutMs = 60_000): Promise<number> {
  const ms = await waitServing(server, '/v1/articles?limit=1', performance.now(), timeoutMs, 25);
  if (server.unusedFile && existsSync(server.unusedFile)) throw new Error(`${server.url} ignored DATABASE_URL and opened the SQLite file ${server.unusedFile}`);
  return ms;
}

/** Polls `path` until it answers 200; returns the milliseconds since `since`. */
export async function waitServing(server: Pick<Server, 'proc' | 'url' | 'output'>, path: string, since: number, timeoutMs = 60_000, pollMs = 10): Promise<number> {
  while (performance.now() - since < timeoutMs) {
    if (!alive(server.proc)) throw new Error(`${server.url} exited (${server.proc.exitCode ?? server.proc.signalCode}):\n${server.output()}`);
    try {
      const res = await fetch(server.url + path);
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - since;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`${server.url}${path} did not answer within ${timeoutMs} ms:\n${server.output()}`);
}

export async function startReady(database: string | DatabaseTarget, env: Record<string, string> = {}): Promise<{ server: Server; readyMs: number }> {
  const server = startServer(database, await freePort(), env);
  try {
    return { server, readyMs: await waitReady(server) };
  } catch (err) {
    server.proc.kill('SIGKILL');
    throw err;
  }
}

/** SIGKILL and wait for the exit. */
export async function crash(server: Server): Promise<void> {
  if (alive(server.proc)) server.proc.kill('SIGKILL');
  await server.exited;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. */
export async function stop(server: Server, graceMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (alive(server.proc)) server.proc.kill('SIGTERM');
  const timer = setTimeout(() => server.proc.kill('SIGKILL'), graceMs);
  const result = await server.exited;
  clearTimeout(timer);
  return result;
}

export type Memory = { rssKb: number; anonKb: number; fileKb: number };

/**
 * VmRSS from /proc/<pid>/status (Linux), with its parts: RssAnon (heap, SQLite page cache)
 * and RssFile (mapped files: the code, and the database when SQLite uses mmap). Null when
 * unavailable.
 */
export function memory(pid: number): Memory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const m = { rssKb: kb('VmRSS'), anonKb: kb('RssAnon'), fileKb: kb('RssFile') };
    return Number.isNaN(m.rssKb) ? null : m;
  } catch {
    return null;
  }
}
