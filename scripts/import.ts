// Imports wire stories (.txt), ninjs items (.json) and NDJSON files (.ndjson) in one streamed
// upload, with a progress bar and a summary.
//   npm run import -- FILES… --url http://127.0.0.1:3000 --token dl_…   (through a running server)
//   npm run import -- FILES… --database                                  (straight into DATABASE_FILE)
// Options: --create-missing (create bureaus and authors no name matches), --bureau SLUG (for items
// that name none), --language TAG. The database mode refuses a file another process has open
// (a running server): two writers would each see the other's lock, and the server's caches
// would not hear of the change. It runs the same import code in-process as the server would.
import { request } from 'node:http';
import { request as requestTls } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { SingleBar, Presets } from 'cli-progress';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { SYSTEM } from '../src/modules/shared/actor.js';
import { createTokensAdmin } from '../src/modules/tokens/tokens.admin.js';
import { createToken } from '../src/modules/tokens/tokens.service.js';
import { countItems, ndjsonOf, sourceOf } from './lib/import-files.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    database: { type: 'boolean', default: false },
    'create-missing': { type: 'boolean', default: false },
    bureau: { type: 'string' },
    language: { type: 'string' },
  },
});
const usage = 'usage: npm run import -- FILES… (--url URL --token TOKEN | --database) [--create-missing] [--bureau SLUG] [--language TAG]';
if (positionals.length === 0 || (values.database === Boolean(values.url)) || (values.url && !values.token)) {
  console.error(usage);
  process.exit(2);
}

const query = new URLSearchParams({ createMissing: String(values['create-missing']) });
if (values.bureau) query.set('bureau', values.bureau);
if (values.language) query.set('language', values.language);
const sources = positionals.map(sourceOf);
const total = (await Promise.all(sources.map(countItems))).reduce((a, b) => a + b, 0);

type ReportLine = { line: number; status: string; id?: number; problem?: { detail: string } };
const tally = { created: 0, updated: 0, replayed: 0, failed: 0 };
const failures: string[] = [];
const bar = new SingleBar({ format: ' {bar} {value}/{total} items | {rate} items/s | ETA {eta_formatted} | {failed} failed', etaBuffer: 200 }, Presets.shades_classic);
const started = performance.now();
bar.start(total, 0, { rate: '0', failed: 0 });

function onReport(res: IncomingMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    let rest = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const l of lines) {
        const r = JSON.parse(l) as ReportLine;
        tally[r.status as keyof typeof tally]++;
        if (r.status === 'failed' && failures.length < 20) failures.push(`  item ${r.line}: ${r.problem?.detail}`);
      }
      const done = tally.created + tally.updated + tally.replayed + tally.failed;
      bar.update(done, { rate: (done / ((performance.now() - started) / 1000)).toFixed(0), failed: tally.failed });
    });
    res.on('end', resolve);
    res.on('error', reject);
  });
}

async function viaServer(base: string, token: string) {
  const url = new URL(`/v1/imports?${query}`, base);
  await new Promise<void>((resolve, reject) => {
    const send = url.protocol === 'https:' ? requestTls : request;
    const req = send(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' } });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => reject(new Error(`the server answered ${res.statusCode}: ${body}`)));
        return;
      }
      onReport(res).then(resolve, reject);
    });
    req.on('error', reject);
    ndjsonOf(sources).pipe(req);
  });
}

async function intoDatabase() {
  const config = loadConfig();
  // Another connection to the file (a running server) makes an exclusive lock impossible.
  const probe = new Database(config.databaseFile, { timeout: 500 });
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch {
    throw new Error(`${config.databaseFile} is open in another process (a running server?): stop it, or import with --url and --token`);
  } finally {
    probe.close();
  }
  // Nobody else is served here: no load shedding or rate limit in front of the import.
  const app = await buildApp({ config: { ...config, logLevel: 'warn', maxEventLoopDelayMs: 0, rateLimitPerMinute: 0 } });
  await app.ready();
  // A token for this run only, revoked at the end: the import runs as an admin named for it.
  const { token, id } = await createToken(app.db, { name: 'npm run import (database mode)', role: 'admin' });
  try {
    const res = await app.inject({ method: 'POST', url: `/v1/imports?${query}`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, payload: ndjsonOf(sources), payloadAsStream: true });
    if (res.statusCode !== 200) throw new Error(`import failed with ${res.statusCode}`);
    await onReport(res.stream() as unknown as IncomingMessage);
  } finally {
    await createTokensAdmin(app.db).revoke(id, SYSTEM);
    await app.close();
  }
}

try {
  await (values.database ? intoDatabase() : viaServer(values.url!, values.token!));
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  console.log(`${total} items in ${seconds.toFixed(1)} s: ${tally.created} created, ${tally.updated} updated, ${tally.replayed} already imported, ${tally.failed} failed`);
  if (failures.length) console.log(failures.join('\n'));
  process.exit(tally.failed > 0 ? 1 : 0);
} catch (err) {
  bar.stop();
  console.error(`import stopped: ${(err as Error).message}`);
  process.exit(1);
}
