import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/database.js';

/**
 * Signed, expiring preview links: `<articleId>.<expiry>.<HMAC>`. They open one article
 * (whatever its status) and nothing else. The signing key is made on first use and kept
 * in the database, so links survive restarts and work across processes on one file.
 */
export function createPreviewSigner(db: Database) {
  const { serverKeys } = db.tables;
  let key: Buffer | undefined;
  const signingKey = async () => {
    if (key) return key;
    const [row] = await db.conn.select().from(serverKeys).where(eq(serverKeys.name, 'preview'));
    if (row) return (key = Buffer.from(row.value, 'base64url'));
    // First use anywhere: make one; when another process made one first, theirs is kept.
    await db.write(() => db.conn.insert(serverKeys).values({ name: 'preview', value: randomBytes(32).toString('base64url') }).onConflictDoNothing());
    const [made] = await db.conn.select().from(serverKeys).where(eq(serverKeys.name, 'preview'));
    return (key = Buffer.from(made!.value, 'base64url'));
  };
  const mac = async (payload: string) => createHmac('sha256', await signingKey()).update(payload).digest('base64url');

  return {
    async sign(articleId: number, expiresAt: Date): Promise<string> {
      const payload = `${articleId}.${Math.floor(expiresAt.getTime() / 1000)}`;
      return `${payload}.${await mac(payload)}`;
    },
    /** The article id the token opens, or null when it is forged, mangled or expired. */
    async verify(token: string, now = Date.now()): Promise<number | null> {
      const m = /^(\d{1,15})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!m) return null;
      const [, id, exp, sig] = m as unknown as [string, string, string, string];
      const expected = Buffer.from(await mac(`${id}.${exp}`));
      const given = Buffer.from(sig);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return Number(exp) * 1000 > now ? Number(id) : null;
    },
  };
}
