// Several real server processes on one database, as a newsroom runs them behind a load
// balancer (issue 9). The database is a target of either engine (./target.ts), so a test
// written once runs on both; the processes are the compiled server (`node dist/server.js`)
// on their own ports.
import { crash, freePort, startServer, waitReady, type Server } from './server.js';
import type { DatabaseTarget } from './target.js';

export { engineEnv, fileOf, type DatabaseTarget, type Engine } from './target.js';

/**
 * Starts one instance per entry of `envs` at the same moment (as an orchestrator rolling out
 * a deployment does) and resolves when every one answers; if any fails, all are killed.
 */
export async function startInstances(target: DatabaseTarget, envs: Record<string, string>[]): Promise<Server[]> {
  const ports: number[] = [];
  for (const _ of envs) ports.push(await freePort());
  const servers = envs.map((env, i) => startServer(target, ports[i]!, env));
  try {
    await Promise.all(servers.map((s) => waitReady(s)));
  } catch (err) {
    await Promise.all(servers.map(crash));
    throw err;
  }
  return servers;
}
