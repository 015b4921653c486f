// Opaque keyset cursors: the sort key and id of the last row of a page, base64url-encoded.
// The sort name is inside so a cursor cannot be replayed against another ordering.
export type CursorValue = { sort: string; key: string | null; id: number };

export function encodeCursor(c: CursorValue): string {
  return Buffer.from(JSON.stringify([c.sort, c.key, c.id])).toString('base64url');
}

export function decodeCursor(raw: string): CursorValue | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 3) return null;
    const [sort, key, id] = v as unknown[];
    if (typeof sort !== 'string' || !(typeof key === 'string' || key === null)) return null;
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) return null;
    return { sort, key, id };
  } catch {
    return null;
  }
}
