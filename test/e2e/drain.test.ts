import { statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import t, { type Test } from 'tap';
import { inspect, integrityProblems } from '../../scripts/lib/db.js';
import { client } from '../../scripts/lib/http.js';
import { startReceiver } from '../../scripts/lib/receiver.js';
import { crash, startReady } from '../../scripts/lib/server.js';
import { databaseWithToken, engine, readTarget } from '../helpers/instances.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A POST whose body arrives in pieces: the request is in flight until `finish` sends the rest. */
function slowPost(port: number, path: string, token: string, payload: unknown, agent: Agent) {
  const body = Buffer.from(JSON.stringify(payload));
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path,
    agent,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': body.length },
  });
  const done = new Promise<{ status: number; json: { id?: number; headline?: string } }>((ok, fail) => {
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) as { id?: number } }));
      res.on('error', fail);
    });
  });
  const half = Math.floor(body.length / 2);
  req.write(body.subarray(0, half));
  let settled = false;
  void done.then(
    () => (settled = true),
    () => (settled = true),
  );
  return {
    done,
    settled: () => settled,
    /** Sends the rest in `pieces` chunks, `gapMs` apart. */
    async finish(pieces = 10, gapMs = 50) {
      const rest = body.subarray(half);
      const size = Math.ceil(rest.length / pieces);
      for (let i = 0; i < rest.length; i += size) {
        req.write(rest.subarray(i, i + size));
        await sleep(gapMs);
      }
      req.end();
    },
  };
}

const refused = (port: number) =>
  new Promise<boolean>((ok) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      ok(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => ok(err.code === 'ECONNREFUSED'));
  });

// One drain: a webhook delivery and 21 half-sent POSTs are in flight at SIGTERM. With
// `keepAlive`, the clients keep their connections open after the answer, as browsers, CDNs
// and load balancers do; the server must still close them and exit. On DATELINE_TEST_ENGINE's
// database.
async function drain(t: Test, keepAlive: boolean) {
  const receiver = await startReceiver(1500);
  const { target, token } = await databaseWithToken(t);
  const { server } = await startReady(target, { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', LOG_LEVEL: 'warn' });
  const agent = new Agent({ keepAlive, maxSockets: 64 });
  t.teardown(async () => {
    agent.destroy();
    await crash(server);
    await receiver.close();
  });
  const call = client(server.url, token);

  const hook = await call('POST', '/v1/webhooks', { url: receiver.url, events: ['article.published'] });
  t.equal(hook.status, 201);
  receiver.secret = hook.json.secret as string;
  t.equal((await call('POST', '/v1/bureaus', { name: 'Drain Desk' })).status, 201);
  t.equal((await call('POST', '/v1/authors', { name: 'Drain Reporter', bureau: 'drain-desk' })).status, 201);
  const draft = await call('POST', '/v1/articles', { headline: 'Drain story', body: 'Text.', bureau: 'drain-desk', authors: ['drain-reporter'] });
  const published = await call('POST', `/v1/articles/${draft.json.id as number}/publish`, {}, { 'if-match': `"v${draft.json.version as number}"` });
  t.equal(published.status, 200);

  // A delivery is in flight (the receiver takes 1.5 s to answer) when the signal comes.
  for (let i = 0; i < 100 && receiver.started === 0; i++) await sleep(50);
  t.equal(receiver.started, 1, 'a webhook delivery is in flight');

  // One large article (300 KB of body) and twenty small ones, each half sent.
  const base = { dateline: 'Lisbon', bureau: 'drain-desk', authors: ['drain-reporter'] };
  const large = slowPost(server.port, '/v1/articles', token, { ...base, headline: 'Large drained story', body: 'Word '.repeat(60_000) }, agent);
  const small = Array.from({ length: 20 }, (_, i) =>
    slowPost(server.port, '/v1/articles', token, { ...base, headline: `Drained story ${i}`, body: 'Short text.' }, agent),
  );
  const inFlight = [large, ...small];
  await sleep(300); // every request has reached the server and is waiting for its body

  server.proc.kill('SIGTERM');
  let closed = false;
  for (let i = 0; i < 60 && !closed; i++) {
    await sleep(50);
    closed = await refused(server.port);
  }
  t.ok(closed, 'new connections are refused after SIGTERM');
  t.ok(inFlight.every((r) => !r.settled()), 'while every in-flight request is still waiting for its body');

  await Promise.all(inFlight.map((r) => r.finish()));
  const answers = await Promise.all(inFlight.map((r) => r.done));
  t.same(
    answers.map((a) => a.status),
    answers.map(() => 201),
    'every in-flight request completed with 201',
  );

  const exitStarted = performance.now();
  const exit = await Promise.race([server.exited, sleep(15_000).then(() => null)]);
  t.same(exit, { code: 0, signal: null }, 'the process exits 0 on its own');
  t.ok(performance.now() - exitStarted < 5000, 'soon after the last response (not after the 10 s shutdown timer)');
  t.equal(server.stderr(), '', 'nothing on stderr: no error from the webhook worker, the database or the drain');

  // SQLite only: its file's integrity and what is left of its write-ahead log.
  if (target.engine === 'sqlite') {
    const file = target.file;
    inspect(file, (db) => t.same(integrityProblems(db), [], 'integrity_check ok after the shutdown'));
    t.comment(`database files after close: ${['-wal', '-shm'].map((s) => `${s}: ${fileState(file + s)}`).join(', ')}`);
  }
  const ids = answers.map((a) => a.json.id);
  const [stored] = await readTarget<{ n: number | string }>(target, `SELECT count(*) AS n FROM articles WHERE id IN (${ids.map(() => '?').join(',')})`, ...ids);
  t.equal(Number(stored?.n), inFlight.length, 'every drained create is in the database');
  const deliveries = await readTarget(target, 'SELECT status, attempts FROM webhook_deliveries');
  t.same(deliveries, [{ status: 'delivered', attempts: 1 }], 'the in-flight delivery was recorded before the database closed');
  t.equal(receiver.received.size, 1);
  t.equal(receiver.badSignatures, 0);
}

t.test(`SIGTERM drains in-flight requests (connection: close clients, ${engine})`, (t) => drain(t, false));

// On fastify 5.12.8 a connection that is busy at close() and goes idle afterwards is kept
// until keepAliveTimeout (fastify#7044); without server.ts closing idle connections during
// the drain, the 10 s timer ends the process with exit code 1 before the database closes.
t.test(`SIGTERM drains in-flight requests (keep-alive clients, ${engine})`, (t) => drain(t, true));

function fileState(path: string): string {
  try {
    return `${statSync(path).size} bytes`;
  } catch {
    return 'absent';
  }
}
