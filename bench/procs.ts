// Child processes for the benchmark: the real server and the bare ceiling server. Every
// child is tracked so it is killed however the run ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export type Child = { proc: ChildProcess; port: number; url: string; output: () => string };

const children = new Set<ChildProcess>();
const alive = (p: ChildProcess) => p.exitCode === null && p.signalCode === null;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts `node --import tsx <script>` with the given environment; keeps the last 8 KB of output. */
export function startNode(cwd: string, script: string, port: number, env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8192);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  return { proc, port, url: `http://127.0.0.1:${port}`, output: () => tail };
}

/** Polls `path` until it answers 200; returns the milliseconds since `since`. */
export async function waitReady(child: Child, path: string, since: number, timeoutMs = 60_000): Promise<number> {
  while (performance.now() - since < timeoutMs) {
    if (!alive(child.proc)) throw new Error(`child exited with ${child.proc.exitCode ?? child.proc.signalCode}:\n${child.output()}`);
    try {
      const res = await fetch(child.url + path);
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - since;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${child.url}${path} did not answer within ${timeoutMs} ms:\n${child.output()}`);
}

/** Resident set size of a child in MB, from /proc (Linux); null elsewhere. */
export function rssMb(child: Child): number | null {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.proc.pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

/** SIGTERM, then SIGKILL if the child has not exited after `graceMs`. */
export async function stop(child: Child, graceMs = 3000): Promise<void> {
  const { proc } = child;
  if (!alive(proc)) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Synchronous last resort, for exit and signal handlers. */
export function killAll(): void {
  for (const proc of children) if (alive(proc)) proc.kill('SIGKILL');
}
