// Child processes for the benchmark: the real server and the bare ceiling server. Every
// child is tracked so it is killed however the run ends. Both run compiled, as production
// does: the server from the build in dist/, the import-free ceiling transpiled on its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, join, relative } from 'node:path';
import ts from 'typescript';
import { buildServer } from '../scripts/lib/build.js';
import { freePort } from '../scripts/lib/server.js';

export type Child = { proc: ChildProcess; port: number; url: string; output: () => string };

const children = new Set<ChildProcess>();
const alive = (p: ChildProcess) => p.exitCode === null && p.signalCode === null;

// One way to find a free port for every script that starts servers.
export { freePort };

// Built on import, so the build is never inside a start-up timing.
buildServer();

let transpiledDir: string | undefined;

/** `src/<x>.ts` → `dist/<x>.js` from the build; any other script must import nothing and is transpiled alone. */
function compiled(cwd: string, script: string): string {
  const inSrc = relative(join(cwd, 'src'), script);
  if (!inSrc.startsWith('..')) return join(cwd, 'dist', inSrc.replace(/\.ts$/, '.js'));
  const { outputText } = ts.transpileModule(readFileSync(script, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023 },
  });
  if (!transpiledDir) {
    const dir = mkdtempSync(join(os.tmpdir(), 'dateline-bench-js-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    transpiledDir = dir;
  }
  const file = join(transpiledDir, basename(script).replace(/\.ts$/, '.mjs'));
  writeFileSync(file, outputText);
  return file;
}

/** Starts the compiled form of `script` with plain `node`; keeps the last 8 KB of output. */
export function startNode(cwd: string, script: string, port: number, env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [compiled(cwd, script)], {
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
