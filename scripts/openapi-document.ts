import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

/** The contract exactly as the server serves it at /openapi.json, pretty-printed. */
export async function openapiDocument(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'dateline-openapi-'));
  // Never shed: on a busy machine the one request that reads the contract must not get a 503.
  const config = { ...loadConfig({}), databaseFile: join(dir, 'openapi.db'), demoData: false, maxEventLoopDelayMs: 0 };
  const app = await buildApp({ config, logger: false });
  try {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    return `${JSON.stringify(res.json(), null, 2)}\n`;
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
