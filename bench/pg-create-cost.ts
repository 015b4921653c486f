// `npx tsx bench/pg-create-cost.ts [--creates N] [--seconds S] [--concurrency C]`
// What one W5 create (a ~500-word Markdown draft, two bylines) costs on the PostgreSQL of
// DATABASE_URL (default: local `test`), in its own migrated database, through the articles
// service (no HTTP): statements and round trips per create, the unit of work's time (the time a writers'
// lock, when there was one, was held), creates/s with C at once, and CPU spent in this
// process against the server's backends for this database.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openPostgres } from '../src/db/postgres.js';
import { createArticlesService } from '../src/modules/articles/articles.service.js';
import { createAuthorsService } from '../src/modules/authors/authors.service.js';
import { createBureausService } from '../src/modules/bureaus/bureaus.service.js';
import { SYSTEM } from '../src/modules/shared/actor.js';
import { closedLoop } from './closed-loop.js';
import { databaseCpuMs } from './probe.js';
import { markdownBody, prng } from './text.js';

const { values } = parseArgs({ options: { creates: { type: 'string' }, seconds: { type: 'string' }, concurrency: { type: 'string' } } });
const CREATES = Number(values.creates ?? 50);
const SECONDS = Number(values.seconds ?? 5);
const CONCURRENCY = Number(values.concurrency ?? 50);
const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const name = `pg_create_cost_${process.pid}_${randomBytes(3).toString('hex')}`;
const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();

// Statements a pooled connection sends, and round trips: the pool pipelines (src/db/postgres.ts),
// so a statement sent while another is still unanswered on its connection waits for no answer of
// its own (node-postgres' in-flight queries are private fields, read only here).
let statements = 0;
let roundTrips = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  const inFlight = this as unknown as { _activeQuery?: unknown; _sentQueryQueue?: unknown[] };
  if (!inFlight._activeQuery && !inFlight._sentQueryQueue?.length) roundTrips++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
try {
  const db = await openPostgres(url, { poolSize: 10 });
  const articles = createArticlesService(db, { revisionsKeep: 50 });
  const bureau = (await createBureausService(db).create({ name: 'Bench bureau', location: 'Here' } as never, SYSTEM)).slug;
  const authors = [(await createAuthorsService(db).create({ name: 'Ana Bench' } as never, SYSTEM)).slug, (await createAuthorsService(db).create({ name: 'Rui Bench' } as never, SYSTEM)).slug];
  const body = markdownBody(prng(7), 500);
  let n = 0;
  const create = () => articles.create({ headline: `Bench draft ${n++}`, body, bureau, authors, tags: [] } as never, SYSTEM);
  for (let i = 0; i < 20; i++) await create(); // warm: prepared statements, caches

  const [st0, rt0] = [statements, roundTrips];
  const t0 = performance.now();
  for (let i = 0; i < CREATES; i++) await create();
  const oneAtATime = (performance.now() - t0) / CREATES;
  const [statementsPerCreate, roundTripsPerCreate] = [(statements - st0) / CREATES, (roundTrips - rt0) / CREATES];

  const [cpu0, srv0] = [process.cpuUsage(), await databaseCpuMs(url)];
  const { requests: done, seconds: elapsed } = await closedLoop(SECONDS, CONCURRENCY, create);
  const cpu = process.cpuUsage(cpu0);
  const srvMs = (await databaseCpuMs(url)) - srv0;
  console.log(
    JSON.stringify(
      {
        statementsPerCreate,
        roundTripsPerCreate,
        msPerCreateOneAtATime: Number(oneAtATime.toFixed(2)),
        concurrency: CONCURRENCY,
        createsPerSecond: Math.round(done / elapsed),
        nodeCpuMsPerCreate: Number(((cpu.user + cpu.system) / 1000 / done).toFixed(2)),
        serverCpuMsPerCreate: Number((srvMs / done).toFixed(2)),
        load: (await import('node:os')).loadavg().map((l) => Number(l.toFixed(1))),
      },
      null,
      2,
    ),
  );
  await db.close();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  await admin.end();
}
