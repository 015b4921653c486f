import type { Socket } from 'node:net';
import fp from 'fastify-plugin';
import { errorCatalogue, problemTypeUri } from '../errors.js';

const RETRY_AFTER_S = 5;

/**
 * A cap on the sockets one client address may hold open, counted on the raw server's
 * 'connection' event — before any request is parsed, so a client holding many slow sockets
 * cannot take the server's file descriptors and memory from everyone else. The socket over
 * the cap gets a 503 problem+json written straight to it and is closed. Behind a proxy every
 * socket comes from the proxy's address: raise the cap or turn it off (0) there.
 */
export default fp(
  async (app, opts: { maxPerAddress: number }) => {
    if (opts.maxPerAddress <= 0) return;
    const open = new Map<string, number>();
    const { status, title } = errorCatalogue.unavailable;
    const problem = JSON.stringify({
      type: problemTypeUri('unavailable'),
      title,
      status,
      detail: `Too many open connections from your address (at most ${opts.maxPerAddress}); close some and retry`,
      code: 'unavailable',
    });
    const refusal = [
      `HTTP/1.1 ${status} Service Unavailable`,
      'content-type: application/problem+json',
      `content-length: ${Buffer.byteLength(problem)}`,
      `retry-after: ${RETRY_AFTER_S}`,
      'connection: close',
      '',
      problem,
    ].join('\r\n');

    app.server.on('connection', (socket: Socket) => {
      const address = socket.remoteAddress ?? 'unknown';
      const count = (open.get(address) ?? 0) + 1;
      if (count > opts.maxPerAddress) {
        // Written and closed here, before the HTTP parser can hand a request to a route.
        socket.end(refusal, () => socket.destroy());
        return;
      }
      open.set(address, count);
      socket.once('close', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left > 0) open.set(address, left);
        else open.delete(address);
      });
    });
  },
  { name: 'connection-cap' },
);
