import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { buildTestApp } from './helpers/app.js';

// Slow clients are cut off and one address cannot hold every socket.

const open = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });

/** Everything the server sends until it closes the socket, and when it closed. */
const untilClosed = (s: Socket) =>
  new Promise<{ data: string; at: number }>((resolve) => {
    let data = '';
    s.on('data', (d) => (data += d.toString()));
    s.on('error', () => {});
    s.once('close', () => resolve({ data, at: performance.now() }));
  });

t.test('a body sent one byte at a time is cut off at the request timeout', async (t) => {
  const http = { requestTimeoutMs: 1000, headersTimeoutMs: 1000, connectionTimeoutMs: 60_000, keepAliveTimeoutMs: 5000, maxConnectionsPerAddress: 0 };
  const ctx = await buildTestApp(t, { http });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as AddressInfo;
  const s = await open(port);
  const closed = untilClosed(s);
  const started = performance.now();
  // With a token: an anonymous write is refused before its body is read.
  s.write(`POST /v1/bureaus HTTP/1.1\r\nhost: x\r\nauthorization: ${ctx.auth.authorization}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{`);
  // One byte every 300 ms: never silent long enough for an idle timeout to notice.
  const drip = setInterval(() => !s.destroyed && s.write(' '), 300);
  const { data, at } = await closed;
  clearInterval(drip);
  const ms = at - started;
  t.ok(ms < 1000 + 2000, `cut off after ${ms.toFixed(0)} ms (timeout 1000 ms, checked every 250 ms)`);
  t.ok(ms >= 900, 'not before the timeout');
  t.match(data, /^HTTP\/1\.1 408/, 'told why: 408 Request Timeout');
});

t.test('the connection cap refuses the socket over it, per address', async (t) => {
  const http = { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, connectionTimeoutMs: 60_000, keepAliveTimeoutMs: 5000, maxConnectionsPerAddress: 3 };
  const ctx = await buildTestApp(t, { http });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as AddressInfo;
  const held = [await open(port), await open(port), await open(port)];
  const extra = await open(port);
  const refused = await untilClosed(extra);
  t.match(refused.data, /^HTTP\/1\.1 503/, 'the fourth socket gets a 503');
  t.match(refused.data, /retry-after: 5/i);
  t.match(refused.data, /"code":"unavailable"/);
  t.match(refused.data, /application\/problem\+json/);

  // The held sockets still work, and a closed one frees its place.
  const res = await new Promise<string>((resolve) => {
    let data = '';
    held[0]!.on('data', (d) => {
      data += d.toString();
      if (data.includes('\r\n\r\n')) resolve(data);
    });
    held[0]!.write('GET /health HTTP/1.1\r\nhost: x\r\n\r\n');
  });
  t.match(res, /^HTTP\/1\.1 200/);
  const gone = untilClosed(held[1]!);
  held[1]!.destroy();
  await gone;
  await new Promise((r) => setTimeout(r, 50));
  const again = await fetch(`http://127.0.0.1:${port}/health`, { headers: { connection: 'close' } });
  t.equal(again.status, 200, 'a freed place can be taken again');
  for (const s of held) s.destroy();
});

/** A wire story as a bulk line, about 6 KB, its own headline (so its own content hash). */
const wireLine = (i: number) =>
  `${JSON.stringify({ wire: `Slow story ${i}\n\nA standfirst.\n\nSlow Desk/Ana Almeida\n\nLisbon: ${'Words that keep the line long. '.repeat(200)}` })}\n`;

const slowHttp = { requestTimeoutMs: 1000, headersTimeoutMs: 1000, connectionTimeoutMs: 60_000, keepAliveTimeoutMs: 5000, maxConnectionsPerAddress: 0 };

t.test('a bulk import that keeps streaming outlives the request timeout', async (t) => {
  const ctx = await buildTestApp(t, { http: slowHttp });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as AddressInfo;
  const s = await open(port);
  const closed = untilClosed(s);
  const started = performance.now();
  s.write(
    `POST /v1/imports?createMissing=true HTTP/1.1\r\nhost: x\r\nauthorization: ${ctx.auth.authorization}\r\n` +
      'content-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n',
  );
  const chunk = (text: string) => s.write(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
  // Four lines (~24 KB) a second for 3.5 s: well past the 1 s deadline, never idle.
  let sent = 0;
  await new Promise<void>((resolve) => {
    const drip = setInterval(() => {
      chunk(wireLine(sent++));
      if (performance.now() - started > 3500) {
        clearInterval(drip);
        resolve();
      }
    }, 250);
  });
  s.write('0\r\n\r\n');
  const { data } = await closed;
  t.ok(performance.now() - started > 3500, 'the upload lasted longer than three request timeouts');
  t.match(data, /^HTTP\/1\.1 200/, 'answered 200, not 408');
  t.equal((data.match(/"status":"created"/g) ?? []).length, sent, `all ${sent} lines created`);
});

t.test('a bulk import that stops sending is cut off', async (t) => {
  const ctx = await buildTestApp(t, { http: slowHttp });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as AddressInfo;
  const s = await open(port);
  const closed = untilClosed(s);
  s.write(
    `POST /v1/imports?createMissing=true HTTP/1.1\r\nhost: x\r\nauthorization: ${ctx.auth.authorization}\r\n` +
      'content-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n',
  );
  // Four lines at once (~24 KB, enough for the first window), then a one-byte chunk every 300 ms:
  // moving, but far too slowly to be an upload.
  for (let i = 0; i < 4; i++) {
    const line = wireLine(i);
    s.write(`${Buffer.byteLength(line).toString(16)}\r\n${line}\r\n`);
  }
  const stalled = performance.now();
  const drip = setInterval(() => !s.destroyed && s.write('1\r\n \r\n'), 300);
  const { data, at } = await closed;
  clearInterval(drip);
  const ms = at - stalled;
  t.ok(ms < 2 * 1000 + 1000, `cut off ${ms.toFixed(0)} ms after the upload stalled (windows of 1000 ms)`);
  t.ok(ms > 500, "not while the lines sent still covered their window");
  t.notMatch(data, /\r\n0\r\n\r\n$/, 'the answer never completes: the client is told by the closed connection');
});
