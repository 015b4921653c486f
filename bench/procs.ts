// Child processes for the benchmark: the real server and the bare ceiling server. Every
// child is tracked so it is killed however the run ends. Both run compiled, as production
// does: the server from the build in dist/, the import-free ceiling transpiled on its own.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, join, relative } from 'node:path';
import ts from 'typescript';
import { buildServer } from '../scripts/lib/build.js';
import { freePort, killAll, memory, spawnNode, stop as stopServer, waitServing, type Server } from '../scripts/lib/server.js';

// One way to start, watch and stop children for every script: scripts/lib/server.ts.
export type Child = Server;
export { freePort, killAll };

// Built on import, so the build is never inside a start-up timing.
buildServer();

let transpiledDir: string | undefined;

/** `src/<x>.ts` → `dist/<x>.js` from the build; any other script must import nothing and is transpiled alone. */
export function compiledScript(cwd: string, script: string): string {
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
export const startNode = (cwd: string, script: string, port: number, env: Record<string, string | undefined>): Child => spawnNode(compiledScript(cwd, script), port, env, 8192);

/** Polls `path` until it answers 200; returns the milliseconds since `since`. */
export const waitReady = (child: Child, path: string, since: number, timeoutMs = 60_000): Promise<number> => waitServing(child, path, since, timeoutMs);

/** Resident set size of a child in MB, from /proc (Linux); null elsewhere. */
export function rssMb(child: Child): number | null {
  const m = child.proc.pid === undefined ? null : memory(child.proc.pid);
  return m ? Math.round(m.rssKb / 1024) : null;
}

/** SIGTERM, then SIGKILL if the child has not exited after `graceMs`. */
export async function stop(child: Child, graceMs = 3000): Promise<void> {
  await stopServer(child, graceMs);
}
