// A webhook receiver on 127.0.0.1 (port 0) that checks each delivery's signature and
// counts how many times every event id arrived.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/modules/webhooks/signature.js';

export type Receiver = {
  url: string;
  /** Event id → number of times it was received. */
  received: Map<string, number>;
  /** Every arrival in order, repeats included: what it was about, not only its id. */
  events: { id: string; type: string; data: unknown }[];
  badSignatures: number;
  /** Requests that have arrived, answered or not. */
  started: number;
  /** The signing secret, known once the webhook has been created. */
  secret: string | null;
  close(): Promise<void>;
};

/** `delayMs`: how long each answer takes, e.g. to keep a delivery in flight during a shutdown. */
export async function startReceiver(delayMs = 0): Promise<Receiver> {
  const state = { received: new Map<string, number>(), events: [] as Receiver['events'], badSignatures: 0, started: 0, secret: null as string | null };
  const server: Server = createServer((req, res) => {
    state.started++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = req.headers['dateline-signature'];
      if (!state.secret || !verifySignature(state.secret, typeof header === 'string' ? header : undefined, body)) state.badSignatures++;
      try {
        const { id, type, data } = JSON.parse(body) as { id?: unknown; type?: unknown; data?: unknown };
        if (typeof id === 'string') state.received.set(id, (state.received.get(id) ?? 0) + 1);
        if (typeof id === 'string' && typeof type === 'string') state.events.push({ id, type, data });
      } catch {
        state.badSignatures++;
      }
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), delayMs);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/hook`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  });
}
