// The server as production runs it: compiled into dist/ by `npm run build` and started with
// plain `node`. Scripts, tests and the benchmark that spawn the server build it here first,
// once per process (build mode: under half a second when dist/ is up to date).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What `npm start` runs after its build step: `node dist/server.js`. */
export const serverEntry = join(root, 'dist/server.js');

let built = false;

/** Runs the production build (what `npm run build` runs) unless this process already did. */
export function buildServer(): void {
  if (built) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe', encoding: 'utf8' });
  } catch (err) {
    const out = err as { stdout?: string; stderr?: string };
    throw new Error(`the build failed (tsc -b tsconfig.build.json):\n${out.stdout ?? ''}${out.stderr ?? ''}`);
  }
  built = true;
}
