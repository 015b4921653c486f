import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import fp from 'fastify-plugin';
import { answerAndClose } from './error-handler.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A long upload read as a stream (a bulk import): exempt from the whole-request deadline,
     * but cut off when it stops moving (see below).
     */
    streamedUpload?: boolean;
  }
}

/** An upload must bring at least this much per window of `requestTimeoutMs` while it is being read. */
const MIN_UPLOAD_BYTES = 16 * 1024;

/**
 * Slow request bodies. Node's own requestTimeout would cut every request at the same
 * deadline, a bulk import of a million lines included; it is turned off (app.ts) and done
 * here per route instead:
 * - a request body must arrive whole within `requestTimeoutMs` (slow-loris protection, as before);
 * - a route marked `streamedUpload` has no overall deadline, but in every window of
 *   `requestTimeoutMs` in which the server was reading it, the body must bring at least
 *   MIN_UPLOAD_BYTES or end. Windows in which the server held the upload back (it paused
 *   reading while it caught up) do not count against the client.
 * Headers stay under Node's headersTimeout, and a silent socket under connectionTimeout.
 */
export default fp(
  async (app, opts: { requestTimeoutMs: number }) => {
    app.addHook('onRequest', (req, reply, done) => {
      const raw = req.raw;
      // No Content-Length and no Transfer-Encoding: HTTP/1.1 has no body to wait for (RFC 9112
      // §6.3), though `complete` is only set after this hook. Skipping those keeps a timer and
      // two listeners off every read. Injected requests (tests) have no socket to protect.
      const { headers } = raw;
      if (raw.complete || (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined)) return done();
      if (!(raw.socket instanceof Socket)) return done();
      const cut = () => (reply.raw.headersSent ? raw.socket.destroy() : answerAndClose(raw.socket, 'request_timeout'));
      const stop = req.routeOptions.config.streamedUpload ? keepMoving(raw, opts.requestTimeoutMs, cut) : deadline(raw, opts.requestTimeoutMs, cut);
      raw.once('end', stop);
      raw.once('close', stop);
      done();
    });
  },
  { name: 'request-timeouts', dependencies: ['error-handler'] },
);

/** `cut`: a 408 if nothing was answered yet, else the connection closed mid-answer. */
function deadline(raw: IncomingMessage, ms: number, cut: () => void) {
  const timer = setTimeout(() => !raw.complete && cut(), ms).unref();
  return () => clearTimeout(timer);
}

function keepMoving(raw: IncomingMessage, ms: number, cut: () => void) {
  // Counted on the socket (a 'data' listener on the request would start it flowing early);
  // body bytes read with the headers, still buffered in the request, count as arriving now.
  let seen = raw.socket.bytesRead - raw.readableLength;
  let heldBack = false;
  // The server stopped reading (backpressure): this window is on the server, not the client.
  const pause = () => (heldBack = true);
  raw.on('pause', pause);
  const timer = setInterval(() => {
    const reading = raw.readableFlowing === true;
    const arrived = raw.socket.bytesRead - seen;
    if (!heldBack && reading && arrived < MIN_UPLOAD_BYTES && !raw.complete) cut();
    seen = raw.socket.bytesRead;
    heldBack = !reading;
  }, ms).unref();
  return () => {
    clearInterval(timer);
    raw.off('pause', pause);
  };
}
