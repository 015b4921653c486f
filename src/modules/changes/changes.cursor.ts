// A change-feed cursor, opaque to clients (base64url JSON):
// - seq: the last change the client has seen;
// - issuedAt: when it was handed out (the retention window is measured from then);
// - purgedAtStart: the purge horizon when the client's full sync began. Tombstones purged
//   before that cannot matter to it (it never held those items); any purged later may.
export type ChangeCursor = { seq: number; issuedAt: number; purgedAtStart: number };

export const encodeChangeCursor = (c: ChangeCursor) =>
  Buffer.from(JSON.stringify([c.seq, c.issuedAt, c.purgedAtStart])).toString('base64url');

export function decodeChangeCursor(raw: string): ChangeCursor | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 3 || !v.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) return null;
    const [seq, issuedAt, purgedAtStart] = v as number[];
    return { seq: seq!, issuedAt: issuedAt!, purgedAtStart: purgedAtStart! };
  } catch {
    return null;
  }
}
