// A small JSON client for the scripts: 127.0.0.1 only, a bounded wait per request.
export type Reply = { status: number; headers: Headers; json: Record<string, unknown> };

export function client(base: string, token: string) {
  if (new URL(base).hostname !== '127.0.0.1') throw new Error(`refusing to send traffic to ${base}: 127.0.0.1 only`);
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const res = await fetch(base + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      json = { text };
    }
    return { status: res.status, headers: res.headers, json };
  };
}

export type Call = ReturnType<typeof client>;

export { prng } from './prng.js';
